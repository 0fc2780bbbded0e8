/**
 * The quick start, for real: the compiled binary runs `mesos local`, and `mesos execute` runs
 * commands on it as a framework.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/cluster.ts";
import { type Daemon, runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";

let local: Daemon;
let master: string;
let workDir: string;

beforeAll(async () => {
  workDir = tempDir("local");
  // A master flag and an agent flag besides `mesos local`'s own: each reaches its daemon.
  local = startDaemon([
    "local",
    `--work_dir=${workDir}`,
    "--port=0",
    "--resources=cpus:2;mem:1024;disk:1024",
    "--max_completed_frameworks=7",
    "--attributes=rack:r1",
  ]);
  const m = await local.waitFor(/master http:\/\/([\d.]+:\d+)/);
  master = m[1]!;
});
afterAll(stopAllDaemons);

test("master and agent flags given to mesos local reach the master and the agent", async () => {
  const flags = (await (await fetch(`http://${master}/master/flags`)).json()) as { flags: Record<string, string> };
  expect(flags.flags.max_completed_frameworks).toBe("7");
  const slaves = (await (await fetch(`http://${master}/master/slaves`)).json()) as { slaves: { attributes: Record<string, string> }[] };
  expect(slaves.slaves[0]!.attributes).toEqual({ rack: "r1" });
});

test("mesos execute --command='echo hello' exits 0 and the sandbox stdout holds hello", async () => {
  const r = await runMesos(["execute", `--master=${master}`, "--name=hello", "--command=echo hello"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("Received status update TASK_RUNNING for task 'hello'");
  expect(r.stdout).toContain("Received status update TASK_FINISHED for task 'hello'");
  const state = (await (await fetch(`http://${master}/state`)).json()) as { slaves: { id: string }[]; completed_frameworks: { id: string }[] };
  const agentId = state.slaves[0]!.id;
  const frameworkId = r.stdout.match(/Subscribed with ID (\S+)/)![1]!;
  const sandbox = join(workDir, "agent/slaves", agentId, "frameworks", frameworkId, "executors/hello/runs/latest");
  expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("hello\n");
});

test("exit 3 gives TASK_FAILED and exit code 3", async () => {
  const r = await runMesos(["execute", `--master=${master}`, "--name=three", "--command=exit 3"]);
  expect(r.code).toBe(3);
  expect(r.stdout).toContain("Received status update TASK_FAILED for task 'three'");
  expect(r.stdout).toContain("message: 'Command exited with status 3'");
});

test("a killed task gives TASK_KILLED", async () => {
  const r = await runMesos(["execute", `--master=${master}`, "--name=killed", "--command=sleep 100", "--kill_after=500ms"]);
  expect(r.stdout).toContain("Received status update TASK_KILLING for task 'killed'");
  expect(r.stdout).toContain("Received status update TASK_KILLED for task 'killed'");
  expect(r.code).toBe(143);
});

test("/health, /version, /flags and /state answer", async () => {
  expect((await fetch(`http://${master}/health`)).status).toBe(200);
  expect(((await (await fetch(`http://${master}/version`)).json()) as { version: string }).version).toBe("1.8.0");
  const flags = (await (await fetch(`http://${master}/flags`)).json()) as { flags: Record<string, string> };
  expect(flags.flags.allocation_interval).toBe("1secs");
  const state = (await (await fetch(`http://${master}/state`)).json()) as { activated_slaves: number; completed_frameworks: unknown[] };
  expect(state.activated_slaves).toBe(1);
  expect(state.completed_frameworks.length).toBeGreaterThanOrEqual(3);
});
