/**
 * Tasks in Docker images on the agent (in process), pulled from a real registry: the task runs in
 * the image's rootfs with the sandbox at /mnt/mesos/sandbox, the image's Entrypoint, Cmd, Env,
 * WorkingDir and User apply as docker/runtime applies them, TASK_STARTING says "Pulling image",
 * a bad image fails the task with a message naming it, concurrent launches share the downloads,
 * and an image container survives an agent restart. Root only (the linux launcher and overlayfs).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningAgent } from "@mesos/agent";
import { busyboxLayer, layer, testImage } from "@mesos/images/testing";
import { ContainerInfo_Type, Image_Type, TaskState, TaskStatus_Reason } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { eventually, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { stopAllProcesses } from "../support/processes.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";
import { startTestCluster } from "../support/test-cluster.ts";

const isRoot = process.getuid?.() === 0;
const cleanup = useCleanups();
let reg: TestRegistry;

const base = busyboxLayer();
const appLayer = layer([
  { path: "app/", type: "directory", mode: 0o777 },
  { path: "app/data.txt", content: "data from the image\n" },
]);
const app = testImage([base, appLayer], {
  config: {
    Cmd: ["/bin/sh", "-c", "echo from-cmd"],
    Env: ["GREETING=hello from the image", "OVERRIDDEN=image", "PATH=/bin"],
    WorkingDir: "/app",
    User: "app",
  },
});
const entry = testImage([base], { config: { Entrypoint: ["/bin/echo", "entry"], Cmd: ["default-arg"] } });

beforeAll(async () => {
  if (!isRoot) return;
  reg = await startRegistry();
  await pushImage(reg, "agent/app", "1", app);
  await pushImage(reg, "agent/entry", "1", entry);
});
afterAll(stopAllProcesses);

function imageFlags(storeDir = tempDir("store")): string[] {
  return [
    "--launcher=linux",
    "--isolation=filesystem/linux,docker/runtime,posix/cpu,posix/mem",
    "--image_providers=docker",
    `--docker_registry=${reg.url}`,
    `--docker_store_dir=${storeDir}`,
  ];
}

const docker = (name: string) => ({ type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name } } } });

function sandboxFile(agent: RunningAgent, fw: TestFramework, taskId: string, file: string): string {
  const id = agent.ctx.info.id!.value;
  return readFileSync(join(agent.ctx.workDir, "slaves", id, "frameworks", fw.sub.frameworkId, "executors", taskId, "runs", "latest", file), "utf8");
}

function provisionedContainers(agent: RunningAgent): string[] {
  const dir = join(agent.ctx.workDir, "provisioner", "containers");
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe.skipIf(!isRoot)("tasks in Docker images (root: linux launcher and overlayfs)", () => {
  test("a shell command runs in the image's rootfs with its Env, WorkingDir and User; the sandbox is at /mnt/mesos/sandbox", async () => {
    const { agent, fw } = await startTestCluster(cleanup, { agent: { flags: imageFlags() } });
    const script = [
      "cat /app/data.txt",
      'echo "sandbox=$MESOS_SANDBOX"',
      'echo "pwd=$(pwd)"',
      'echo "uid=$(id -u) gid=$(id -g)"',
      'echo "greeting=$GREETING overridden=$OVERRIDDEN path=$PATH"',
      "echo written > $MESOS_SANDBOX/from-task",
      "ls /mnt/mesos/sandbox | grep -c stdout",
    ].join("; ");
    await fw.launch("shell", "", {
      container: docker(`${reg.host}/agent/app:1`),
      commandInfo: { value: script, environment: { variables: [{ name: "OVERRIDDEN", value: "task" }] } },
    });
    const starting = await fw.waitForStatus("shell", TaskState.TASK_STARTING);
    expect(starting.message).toBe(`Pulling image '${reg.host}/agent/app:1'`);
    await fw.waitForStatus("shell", TaskState.TASK_FINISHED, 30_000);
    const progress = fw.statuses.filter((s) => s.state === TaskState.TASK_STARTING).map((s) => s.message);
    expect(progress.at(-1)).toMatch(/^Pulled image '.*agent\/app:1': 2 layers, [\d.]+ [kM]?B downloaded in [\d.]+ s$/);
    expect(sandboxFile(agent, fw, "shell", "stdout")).toBe(
      [
        "data from the image",
        "sandbox=/mnt/mesos/sandbox",
        "pwd=/app",
        "uid=1234 gid=2345",
        "greeting=hello from the image overridden=task path=/bin",
        "1",
        "",
      ].join("\n"),
    );
    expect(sandboxFile(agent, fw, "shell", "from-task")).toBe("written\n");
    // The container's rootfs went with it.
    await eventually(() => provisionedContainers(agent).length === 0, 5000, "the rootfs to be destroyed");
  });

  test("no command value: the image's Entrypoint with its Cmd, or with the task's arguments", async () => {
    const { agent, fw } = await startTestCluster(cleanup, { agent: { flags: imageFlags() } });
    await fw.launch("entry-cmd", "", { container: docker(`${reg.host}/agent/entry:1`), commandInfo: { shell: false } });
    await fw.waitForStatus("entry-cmd", TaskState.TASK_FINISHED, 30_000);
    expect(sandboxFile(agent, fw, "entry-cmd", "stdout")).toBe("entry default-arg\n");
    await fw.launch("entry-args", "", { container: docker(`${reg.host}/agent/entry:1`), commandInfo: { shell: false, arguments: ["mine", "too"] } });
    await fw.waitForStatus("entry-args", TaskState.TASK_FINISHED, 30_000);
    expect(sandboxFile(agent, fw, "entry-args", "stdout")).toBe("entry mine too\n");
  });

  test("a bad image fails the task, naming the image and the cause; the agent goes on", async () => {
    const { fw } = await startTestCluster(cleanup, { agent: { flags: imageFlags() } });
    await fw.launch("missing", "true", { container: docker(`${reg.host}/agent/app:nope`) });
    const failed = await fw.waitForStatus("missing", TaskState.TASK_FAILED, 30_000);
    expect(failed.message).toBe(`Failed to pull image '${reg.host}/agent/app:nope': manifest unknown (404)`);
    expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LAUNCH_FAILED);
    await fw.launch("nohost", "true", { container: docker("127.0.0.1:1/x:1") });
    const unreachable = await fw.waitForStatus("nohost", TaskState.TASK_FAILED, 30_000);
    expect(unreachable.message).toMatch(/^Failed to pull image '127.0.0.1:1\/x:1': cannot reach 127.0.0.1:1/);
    await fw.launch("after", "true", { container: docker(`${reg.host}/agent/app:1`) });
    await fw.waitForStatus("after", TaskState.TASK_FINISHED, 30_000);
  });

  test("/flags does not show the credentials of an inline --docker_config", async () => {
    const auths = JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from("user:s3cret").toString("base64") } } });
    const { agent } = await startTestCluster(cleanup, { agent: { flags: [...imageFlags(), `--docker_config=${auths}`] } });
    const flags = (await (await fetch(`${agent.url}/flags`)).json()) as { flags: Record<string, string> };
    expect(flags.flags.docker_config).toBe("(JSON not shown: it holds credentials)");
    expect(flags.flags.image_providers).toBe("docker");
  });

  test("an agent without --image_providers fails image tasks with a hint", async () => {
    const { fw } = await startTestCluster(cleanup);
    await fw.launch("noimages", "true", { container: docker("busybox") });
    const failed = await fw.waitForStatus("noimages", TaskState.TASK_FAILED);
    expect(failed.message).toMatch(
      /^Failed to pull image 'busybox': container images are not enabled on this agent \(start it with --image_providers=docker/,
    );
  });

  test("5 tasks of one cold image at once: one download per layer", async () => {
    const fresh = testImage([busyboxLayer("zstd"), layer([{ path: "five.txt", content: "five" }])], { config: { Cmd: ["/bin/cat", "/five.txt"] } });
    await pushImage(reg, "agent/five", "1", fresh);
    const { agent, fw } = await startTestCluster(cleanup, { agent: { flags: imageFlags() } });
    const [offer] = await fw.nextOffers();
    const tasks = Array.from({ length: 5 }, (_, i) => ({
      name: `five-${i}`,
      taskId: { value: `five-${i}` },
      agentId: offer!.agentId,
      command: { shell: false },
      container: docker(`${reg.host}/agent/five:1`),
      resources: [
        { name: "cpus", type: 0, scalar: { value: 0.1 } },
        { name: "mem", type: 0, scalar: { value: 32 } },
      ],
    }));
    await fw.sub.accept([offer!.id!.value], [{ type: 1, launch: { taskInfos: tasks } }]);
    for (let i = 0; i < 5; i++) await fw.waitForStatus(`five-${i}`, TaskState.TASK_FINISHED, 30_000);
    for (let i = 0; i < 5; i++) expect(sandboxFile(agent, fw, `five-${i}`, "stdout")).toBe("five");
    for (const b of [...fresh.layers, fresh.config]) expect(await reg.settledBlobDownloads(b.digest)).toBe(1);
  });

  test("an image container survives an agent restart; once it ends, its rootfs and upper dir are removed", async () => {
    const master = await startTestMaster();
    cleanup(() => master.stop());
    const workDir = tempDir("agent");
    const storeDir = tempDir("store");
    let agent = await startTestAgent(master, { workDir, flags: imageFlags(storeDir) });
    await agent.registered;
    const fw = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 60 });
    cleanup(() => fw.close());
    const offer = await fw.launch("survivor", "echo up > $MESOS_SANDBOX/up; sleep 1000", { container: docker(`${reg.host}/agent/app:1`) });
    await fw.waitForStatus("survivor", TaskState.TASK_RUNNING, 30_000);
    const [containerKey] = provisionedContainers(agent);
    const rootfses = join(workDir, "provisioner/containers", containerKey!, "backends/overlay/rootfses");
    const rootfs = join(rootfses, readdirSync(rootfses)[0]!);
    const downloads = await reg.settledBlobDownloads();

    await agent.stop();
    agent = await startTestAgent(master, { workDir, flags: imageFlags(storeDir) });
    cleanup(() => agent.stop());
    await agent.registered;
    expect(agent.ctx.tasks.get(`${fw.sub.frameworkId}/survivor`)?.state).toBe(TaskState.TASK_RUNNING);
    expect(readFileSync(join(rootfs, "app/data.txt"), "utf8")).toBe("data from the image\n");

    // The store is reused: a new task of the same image downloads nothing.
    await fw.launch("again", "cat /app/data.txt", { container: docker(`${reg.host}/agent/app:1`) });
    await fw.waitForStatus("again", TaskState.TASK_FINISHED, 30_000);
    expect(await reg.settledBlobDownloads()).toBe(downloads);

    await fw.sub.kill("survivor", offer.agentId!.value);
    await fw.waitForStatus("survivor", TaskState.TASK_KILLED, 30_000);
    await eventually(() => provisionedContainers(agent).length === 0, 10_000, "the rootfs and upper dir to be removed");
    expect(existsSync(rootfs)).toBe(false);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(rootfs);
  });
});
