/**
 * Maintenance with the compiled binary and real processes: a master, an agent on machine
 * node1@127.0.0.1 running a task (`mesos execute`), the machine scheduled and taken DOWN with
 * `mesos maintenance`: the task is reported TASK_LOST, the agent kills it and exits, and started
 * again it is refused while the machine is DOWN; after `mesos maintenance up` it registers again.
 */
import { afterAll, expect, test } from "bun:test";
import { eventually, tempDir } from "../support/cluster.ts";
import { runMesos, startDaemon, stopAllDaemons } from "../support/binary.ts";

afterAll(stopAllDaemons);

/** Whether the task's process (a sleep of a length no other process uses) still runs. */
const taskRuns = () => Bun.spawnSync(["pgrep", "-f", "sleep 4242"]).exitCode === 0;

test("DOWN kills the agent's task and stops the agent, which is refused until the machine is UP", async () => {
  const master = startDaemon(["master", `--work_dir=${tempDir("master")}`, "--port=0", "--allocation_interval=100ms"]);
  const [, address] = await master.waitFor(/listening on http:\/\/([\d.]+:\d+)/);
  const agentArgs = [
    "agent",
    `--master=${address}`,
    `--work_dir=${tempDir("agent")}`,
    "--port=0",
    "--ip=127.0.0.1",
    "--hostname=node1",
    "--resources=cpus:1;mem:512;disk:100",
    "--registration_backoff_factor=10ms",
  ];
  let agent = startDaemon(agentArgs);
  await agent.waitFor(/Registered with master/);
  const execute = startDaemon(["execute", `--master=${address}`, "--name=drained", "--checkpoint", "--command=exec sleep 4242"]);
  await execute.waitFor(/TASK_RUNNING for task 'drained'/);
  await eventually(taskRuns, 10_000, "the task's process");

  const cli = (...args: string[]) => runMesos(["maintenance", ...args, `--master=${address}`]);
  expect((await cli("schedule", "node1@127.0.0.1", "--start=now", "--duration=1hrs")).code).toBe(0);
  expect((await cli("status")).stdout).toMatch(/node1@127\.0\.0\.1\s+DRAINING/);
  expect((await cli("down", "node1@127.0.0.1")).code).toBe(0);

  await execute.waitFor(/TASK_LOST for task 'drained'/);
  expect(await agent.proc.exited).toBe(1);
  expect(agent.output()).toContain("Operator initiated 'Machine DOWN'");
  await eventually(() => !taskRuns(), 10_000, "the task's process to be killed");

  agent = startDaemon(agentArgs);
  expect(await agent.proc.exited).toBe(1);
  expect(agent.output()).toContain(`the machine '{"hostname":"node1","ip":"127.0.0.1"}' that it is running on is DOWN`);

  expect((await cli("up", "node1@127.0.0.1")).code).toBe(0);
  agent = startDaemon(agentArgs);
  await agent.waitFor(/Registered with master/);
  expect((await cli("status", "--json")).stdout.trim()).toBe("{}");
}, 120_000);

test("mesos maintenance --help lists its commands, each with its own help", async () => {
  const help = await runMesos(["maintenance", "--help"]);
  const listed = [...help.stdout.matchAll(/^ {2}(\w+) {2}/gm)].map((m) => m[1]);
  expect(listed).toEqual(["schedule", "status", "down", "up"]);
  for (const command of listed) {
    const own = await runMesos(["maintenance", command!, "--help"]);
    expect(own.code).toBe(0);
    expect(own.stdout).toStartWith(`Usage: mesos maintenance ${command}`);
  }
  expect((await runMesos(["--help"])).stdout).toContain("  maintenance ");
});
