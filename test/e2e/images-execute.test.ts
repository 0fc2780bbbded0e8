/**
 * `mesos execute --docker_image` on the compiled binary: a master and an agent started with Mesos's
 * image flags, a real registry; the task runs the image's Entrypoint/Cmd (no --command) or a shell
 * command in the image, the output shows the pull's progress, a bad image fails with a message
 * naming it. Root only (the linux launcher).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { busyboxLayer, layer, testImage } from "@mesos/images/testing";
import { type Daemon, runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";
import { tempDir } from "../support/cluster.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";

const isRoot = process.getuid?.() === 0;
let reg: TestRegistry;
let address: string;
let agent: Daemon;
let agentDir: string;

const image = testImage([busyboxLayer(), layer([{ path: "etc/motd", content: "motd of the image\n" }])], {
  config: { Entrypoint: ["/bin/echo"], Cmd: ["hello from the image's Cmd"] },
});

beforeAll(async () => {
  if (!isRoot) return;
  reg = await startRegistry();
  await pushImage(reg, "e2e/app", "1", image);
  const master = startDaemon(["master", `--work_dir=${tempDir("master")}`, "--port=0"]);
  [, address] = (await master.waitFor(/listening on http:\/\/([\d.]+:\d+)/)) as unknown as [string, string];
  agentDir = tempDir("agent");
  agent = startDaemon([
    "agent",
    `--master=${address}`,
    `--work_dir=${agentDir}`,
    "--port=0",
    "--resources=cpus:2;mem:1024;disk:1000",
    "--registration_backoff_factor=10ms",
    "--launcher=linux",
    "--isolation=filesystem/linux,docker/runtime",
    "--image_providers=docker",
    `--docker_registry=${reg.url}`,
    `--docker_store_dir=${tempDir("store")}`,
  ]);
  await agent.waitFor(/Registered with master/);
}, 60_000);
afterAll(stopAllDaemons);

describe.skipIf(!isRoot)("mesos execute --docker_image (root: the linux launcher)", () => {
  test("without --command: the image's Entrypoint and Cmd; the output shows the pull", async () => {
    const r = await runMesos(["execute", `--master=${address}`, "--name=entry", "--docker_image=e2e/app:1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Received status update TASK_STARTING for task 'entry'\n  message: 'Pulling image 'e2e/app:1''");
    expect(r.stdout).toMatch(/message: 'Pulled image 'e2e\/app:1': 2 layers, [\d.]+ [kM]?B downloaded in [\d.]+ s'/);
    expect(r.stdout).toContain("Received status update TASK_FINISHED for task 'entry'");
    await agent.waitFor(/Pulled image '127\.0\.0\.1:\d+\/e2e\/app:1' \(2 layers, 2 new/);
    const stdout = readFileSync(findSandboxFile(agentDir, "entry", "stdout"), "utf8");
    expect(stdout).toBe("hello from the image's Cmd\n");
  });

  test("with --command: a shell command in the image's root filesystem (the image is in the store by now)", async () => {
    const r = await runMesos([
      "execute",
      `--master=${address}`,
      "--name=shell",
      "--docker_image=e2e/app:1",
      "--command=cat /etc/motd; test -d /mnt/mesos/sandbox",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("message: 'Pulling image 'e2e/app:1''");
    expect(r.stdout).not.toContain("Pulled image");
    expect(readFileSync(findSandboxFile(agentDir, "shell", "stdout"), "utf8")).toBe("motd of the image\n");
  });

  test("an unknown image fails the task with a message naming it", async () => {
    const r = await runMesos(["execute", `--master=${address}`, "--name=bad", "--docker_image=e2e/nope:1"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`message: 'Failed to pull image 'e2e/nope:1': manifest unknown (404)'`);
    expect(r.stdout).toContain("reason: REASON_CONTAINER_LAUNCH_FAILED");
  });
});

/** WORK/slaves/<agent>/frameworks/<fw>/executors/<task>/runs/latest/<file> for the only framework that ran `task`. */
function findSandboxFile(workDir: string, task: string, file: string): string {
  const found = new Bun.Glob(`slaves/*/frameworks/*/executors/${task}/runs/latest/${file}`).scanSync({ cwd: workDir, followSymlinks: true });
  const [path] = [...found];
  if (!path) throw new Error(`no sandbox file ${file} for task ${task} under ${workDir}`);
  return join(workDir, path);
}
