/**
 * An agent dies after the framework's acknowledgement reached the master but before the agent
 * checkpointed it: the restarted agent resends the update. Mesos shows it to the framework again
 * (at-least-once); our master remembers the acknowledged uuid, answers the agent itself and the
 * framework sees the update once. The agent's stream then moves on (a later TASK_KILLED arrives).
 * A terminal update resent that way ends the task on the master too (the agent re-registered with
 * it, and nothing else would take it off the agent). The master keeps acknowledged uuids in its
 * registry, so the same holds when the master is killed before the acknowledgement reached the agent.
 */
import { afterAll, expect, test } from "bun:test";
import { scheduler, TaskState } from "@mesos/proto";
import { startAgentProcess, stopAgentProcesses } from "../support/agent-process.ts";
import { restartableMaster } from "../support/binary.ts";
import { eventually, freePort, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";

const cleanup = useCleanups();
afterAll(stopAgentProcesses);

/** A checkpointing agent of these tests, on its own work dir, retrying registration quickly. */
const agentArgs = (master: string, workDir: string) => [
  `--master=${master}`,
  `--work_dir=${tempDir(workDir)}`,
  "--port=0",
  "--launcher=posix",
  "--resources=cpus:2;mem:1024;disk:1000",
  "--registration_backoff_factor=10ms",
];

type Framework = Awaited<ReturnType<typeof startTestFramework>>;

/**
 * Acknowledges every update the framework is shown until one in `state` arrives (the agent sends
 * one update at a time), and returns that one unacknowledged, with how many updates were handled.
 */
async function acknowledgeUntil(fw: Framework, state: TaskState) {
  let handled = 0;
  const status = await eventually(
    async () => {
      for (const s of fw.statuses.slice(handled)) {
        handled++;
        if (s.state === state) return s;
        await fw.sub.acknowledge(s);
      }
      return undefined;
    },
    15_000,
    TaskState[state],
  );
  return { status, handled };
}

test("a resent, already acknowledged status update is answered by the master, not shown to the framework again", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const args = agentArgs(master.url.replace("http://", ""), "resend");
  let agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master/);

  const fw = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 600 }, { autoAcknowledge: false });
  cleanup(() => fw.close());
  await fw.launch("t", "sleep 1000", { refuseSeconds: 0 });
  const updates = (state: TaskState) => fw.statuses.filter((s) => s.taskId?.value === "t" && s.state === state);
  const { status: running, handled } = await acknowledgeUntil(fw, TaskState.TASK_RUNNING);
  let acked = handled; // the updates handled so far; the framework acknowledges from here on

  // Freeze the agent, so the acknowledgement reaches the master but never the agent's checkpoint.
  agent.proc.kill("SIGSTOP");
  const metric = (name: string) => master.ctx.metrics.get(name);
  const before = metric("master/valid_status_update_acknowledgements");
  await fw.sub.acknowledge(running);
  await eventually(() => metric("master/valid_status_update_acknowledgements") > before, 10_000, "the master to take the acknowledgement");
  await agent.kill("SIGKILL");

  const received = metric("master/messages_status_update");
  agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master|Re-registered with master/);
  await eventually(() => metric("master/messages_status_update") > received, 15_000, "the agent to resend TASK_RUNNING");
  // From here the framework acknowledges whatever it is shown, as a real one would.
  const acking = setInterval(() => {
    for (const s of fw.statuses.slice(acked)) {
      acked++;
      void fw.sub.acknowledge(s).catch(() => {});
    }
  }, 20);
  cleanup(() => clearInterval(acking));

  // The agent's stream moves on (the master acknowledged the resent update): TASK_KILLED follows it.
  await fw.sub.call({ type: scheduler.Call_Type.KILL, kill: { taskId: { value: "t" }, agentId: running.agentId } });
  await fw.waitForStatus("t", TaskState.TASK_KILLED);
  expect(updates(TaskState.TASK_RUNNING)).toHaveLength(1);
  expect(updates(TaskState.TASK_KILLED)).toHaveLength(1);
  expect(metric("master/resent_status_updates_acknowledged")).toBe(1);
}, 60_000);

test("a resent, already acknowledged terminal update ends the task the re-registered agent reported", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const args = agentArgs(master.url.replace("http://", ""), "resend-terminal");
  let agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master/);
  const fw = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 600 }, { autoAcknowledge: false });
  cleanup(() => fw.close());
  await fw.launch("done", "true", { refuseSeconds: 0 });
  const { status: finished } = await acknowledgeUntil(fw, TaskState.TASK_FINISHED);
  const agentId = finished.agentId!.value;
  agent.proc.kill("SIGSTOP");
  const metric = (name: string) => master.ctx.metrics.get(name);
  const before = metric("master/valid_status_update_acknowledgements");
  await fw.sub.acknowledge(finished);
  await eventually(() => metric("master/valid_status_update_acknowledgements") > before, 10_000, "the master to take the acknowledgement");
  expect(master.ctx.tasks.onAgent(agentId)).toHaveLength(0);
  await agent.kill("SIGKILL");

  agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master|Re-registered with master/);
  await eventually(() => metric("master/resent_status_updates_acknowledged") === 1, 15_000, "the agent to resend TASK_FINISHED");
  expect(master.ctx.tasks.onAgent(agentId)).toHaveLength(0);
  expect(fw.statuses.filter((s) => s.state === TaskState.TASK_FINISHED)).toHaveLength(1);
}, 60_000);

test("a master killed after the framework's acknowledgement still answers the agent's resent update after its restart", async () => {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const workDir = tempDir("resend-master");
  const startMaster = restartableMaster(port, workDir, "100ms");
  const metric = async (name: string) => ((await (await fetch(`${url}/metrics/snapshot`)).json()) as Record<string, number>)[name] ?? 0;
  let master = await startMaster();
  const args = agentArgs(`127.0.0.1:${port}`, "resend-master-agent");
  let agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master/);
  const info = { checkpoint: true, failoverTimeout: 600 };
  const fw = await startTestFramework(url, info, { autoAcknowledge: false });
  cleanup(() => fw.close());
  await fw.launch("t", "sleep 1000", { refuseSeconds: 0 });
  const { status: running } = await acknowledgeUntil(fw, TaskState.TASK_RUNNING);

  // The agent is frozen, so the acknowledgement the master takes (the call is answered) never reaches
  // its checkpoint; then both die.
  agent.proc.kill("SIGSTOP");
  await fw.sub.acknowledge(running);
  await master.kill("SIGKILL");
  await agent.kill("SIGKILL");
  fw.close();

  master = await startMaster();
  // The framework is back (its id) before the agent, so a resent update would reach it at once.
  const again = await startTestFramework(url, { ...info, id: { value: fw.sub.frameworkId } });
  cleanup(() => again.close());
  agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master/);
  await eventually(
    async () => (await metric("master/resent_status_updates_acknowledged")) === 1,
    15_000,
    "the master to answer the resent TASK_RUNNING itself",
  );

  // The agent's stream moves on: TASK_KILLED follows, and TASK_RUNNING was not shown again.
  await again.sub.call({ type: scheduler.Call_Type.KILL, kill: { taskId: { value: "t" }, agentId: running.agentId } });
  await again.waitForStatus("t", TaskState.TASK_KILLED);
  expect(again.statuses.filter((s) => s.state === TaskState.TASK_RUNNING && s.uuid.length > 0)).toEqual([]);
}, 90_000);
