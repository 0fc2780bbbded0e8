/**
 * How the compiled CLI finds the master (--master, MESOS_MASTER, the config file Mesos's CLI
 * reads), follows a non-leading master's 307 to the leader, lists in JSON, and maps failures to
 * exit codes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import type { RunningMaster } from "@mesos/master";
import { MasterInfoSchema } from "@mesos/proto";
import { freePort, startTestMaster, tempDir } from "../support/cluster.ts";
import { runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";

let master: string;
let follower: RunningMaster;
const deadMaster = () => `127.0.0.1:${freePort()}`;
const baseEnv = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tempDir("cli-home") });

beforeAll(async () => {
  const local = startDaemon(["local", `--work_dir=${tempDir("cli-master")}`, "--port=0", "--resources=cpus:2;mem:1024;disk:1024"]);
  master = (await local.waitFor(/master http:\/\/([\d.]+:\d+)/))[1]!;
  const task = startDaemon(["execute", `--master=${master}`, "--name=listed-task", "--command=sleep 1000"]);
  await task.waitFor(/TASK_RUNNING for task 'listed-task'/);
  const [ip, port] = master.split(":");
  // A master that knows another one leads: its v1 API answers 307 with the leader's address.
  follower = await startTestMaster({ leader: () => create(MasterInfoSchema, { id: "leader", ip: 0, hostname: ip!, port: Number(port) }) });
}, 60_000);

afterAll(async () => {
  await follower?.stop();
  await stopAllDaemons();
});

test("a non-leading master's 307 is followed to the leader", async () => {
  const followerAddress = follower.url.replace("http://", "");
  const direct = await fetch(`${follower.url}/api/v1`, {
    method: "POST",
    body: '{"type":"GET_TASKS"}',
    headers: { "Content-Type": "application/json" },
    redirect: "manual",
  });
  expect(direct.status).toBe(307);
  const r = await runMesos(["task", "list", `--master=${followerAddress}`], 60_000, { env: baseEnv() });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("listed-task");
});

test("the config file's [master] address is used without --master or MESOS_MASTER", async () => {
  const env = baseEnv();
  mkdirSync(join(env.HOME, ".mesos"));
  writeFileSync(join(env.HOME, ".mesos/config.toml"), `# the CLI's config\n[master]\naddress = "${master}"\n`);
  const r = await runMesos(["task", "list"], 60_000, { env });
  expect([r.code, r.stderr]).toEqual([0, ""]);
  expect(r.stdout).toContain("listed-task");

  // MESOS_CLI_CONFIG names another file.
  const other = join(tempDir("cli-config"), "mesos.toml");
  writeFileSync(other, `[master]\naddress = "${master}"\n`);
  const named = await runMesos(["agent", "list"], 60_000, { env: { ...baseEnv(), MESOS_CLI_CONFIG: other } });
  expect(named.code).toBe(0);
  expect(named.stdout).toMatch(/AGENT ID\s+HOSTNAME/);
});

test("--master wins over MESOS_MASTER, which wins over the config file", async () => {
  const env = baseEnv();
  mkdirSync(join(env.HOME, ".mesos"));
  writeFileSync(join(env.HOME, ".mesos/config.toml"), `[master]\naddress = "${deadMaster()}"\n`);
  expect((await runMesos(["task", "list"], 60_000, { env })).code).toBe(69);
  expect((await runMesos(["task", "list"], 60_000, { env: { ...env, MESOS_MASTER: master } })).code).toBe(0);
  const both = await runMesos(["task", "list", `--master=${master}`], 60_000, { env: { ...env, MESOS_MASTER: deadMaster() } });
  expect(both.code).toBe(0);
});

test("a bad config file or address is a usage error naming what is wrong", async () => {
  const env = baseEnv();
  mkdirSync(join(env.HOME, ".mesos"));
  const path = join(env.HOME, ".mesos/config.toml");
  writeFileSync(path, "[master\naddress = 1\n");
  const r = await runMesos(["task", "list"], 60_000, { env });
  expect(r.code).toBe(64);
  expect(r.stderr).toStartWith(`Error: Error loading config file '${path}' as TOML:`);
  const missing = await runMesos(["task", "list"], 60_000, { env: { ...baseEnv(), MESOS_CLI_CONFIG: "/nonexistent/mesos.toml" } });
  expect([missing.code, missing.stderr]).toEqual([
    64,
    "Error: The CLI config file '/nonexistent/mesos.toml' (from MESOS_CLI_CONFIG) does not exist.\n",
  ]);
  const ip = await runMesos(["task", "list", "--master=127.0.0.1"], 60_000, { env: baseEnv() });
  expect([ip.code, ip.stderr]).toEqual([64, "Error: --master '127.0.0.1' is an IP address without a port.\n"]);
});

test("an unreachable master exits 69 with one line", async () => {
  const r = await runMesos(["framework", "list", `--master=${deadMaster()}`], 60_000, { env: baseEnv() });
  expect(r.code).toBe(69);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toStartWith("Error: Cannot reach 127.0.0.1:");
});

test("--json prints the operator API's records", async () => {
  const env = { ...baseEnv(), MESOS_MASTER: master };
  const tasks = JSON.parse((await runMesos(["task", "list", "--json"], 60_000, { env })).stdout) as { task_id: { value: string }; state: string }[];
  expect(tasks.find((t) => t.task_id.value === "listed-task")?.state).toBe("TASK_RUNNING");
  const agents = JSON.parse((await runMesos(["agent", "list", "--json"], 60_000, { env })).stdout) as { active: boolean; pid: string }[];
  expect(agents).toHaveLength(1);
  expect(agents[0]!.pid).toStartWith("slave(1)@");
  const frameworks = JSON.parse((await runMesos(["framework", "list", "--json"], 60_000, { env })).stdout) as { framework_info: { name: string } }[];
  expect(frameworks.map((f) => f.framework_info.name)).toContain("mesos-execute instance");
});

test("help texts list only the commands that exist, and unknown ones are usage errors", async () => {
  const env = baseEnv();
  const top = await runMesos(["--help"], 60_000, { env });
  for (const verb of ["master", "agent", "local", "execute", "task", "framework"]) expect(top.stdout).toContain(`  ${verb} `);
  const task = await runMesos(["task", "--help"], 60_000, { env });
  const listed = [...task.stdout.matchAll(/^ {2}(\w+) {2}/gm)].map((m) => m[1]);
  expect(listed).toEqual(["list", "attach", "exec", "log", "kill"]);
  for (const sub of listed) {
    const help = await runMesos(["task", sub!, "--help"], 60_000, { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toStartWith(`Usage: mesos task ${sub}`);
  }
  const unknown = await runMesos(["task", "frobnicate"], 60_000, { env });
  expect(unknown.code).toBe(64);
  expect(unknown.stderr).toStartWith("Error: unknown command 'mesos task frobnicate'.");
  const badFlag = await runMesos(["task", "list", "--bogus"], 60_000, { env });
  expect([badFlag.code, badFlag.stderr]).toEqual([64, "Error: Failed to load flags: unknown flag '--bogus'.\n"]);
});
