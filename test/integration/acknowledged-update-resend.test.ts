/**
 * An agent dies after the framework's acknowledgement reached the master but before the agent
 * checkpointed it: the restarted agent resends the update. Mesos shows it to the framework again
 * (at-least-once); our master remembers the acknowledged uuid, answers the agent itself and the
 * framework sees the update once. The agent's stream then moves on (a later TASK_KILLED arrives).
 */
import { afterAll, expect, test } from "bun:test";
import { scheduler, TaskState } from "@mesos/proto";
import { startAgentProcess, stopAgentProcesses } from "../support/agent-process.ts";
import { eventually, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework } from "../support/framework.ts";

const cleanup = useCleanups();
afterAll(stopAgentProcesses);

test("a resent, already acknowledged status update is answered by the master, not shown to the framework again", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const args = [
    `--master=${master.url.replace("http://", "")}`,
    `--work_dir=${tempDir("resend")}`,
    "--port=0",
    "--launcher=posix",
    "--resources=cpus:2;mem:1024;disk:1000",
    "--registration_backoff_factor=10ms",
  ];
  let agent = startAgentProcess(args);
  await agent.waitFor(/Registered with master/);

  const fw = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 600 }, { autoAcknowledge: false });
  cleanup(() => fw.close());
  await fw.launch("t", "sleep 1000", { refuseSeconds: 0 });
  const updates = (state: TaskState) => fw.statuses.filter((s) => s.taskId?.value === "t" && s.state === state);
  // Acknowledge everything before TASK_RUNNING (the agent sends one update at a time).
  let acked = 0;
  const running = await eventually(
    async () => {
      for (const s of fw.statuses.slice(acked)) {
        acked++;
        if (s.state === TaskState.TASK_RUNNING) return s;
        await fw.sub.acknowledge(s);
      }
      return undefined;
    },
    15_000,
    "TASK_RUNNING",
  );

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
