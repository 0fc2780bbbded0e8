/**
 * Agent restarts and agent loss. The agent is stopped without touching its containers (as a
 * kill -9 would leave them) and started again on the same work dir.
 */
import { expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TaskState, TaskStatus_Reason } from "@mesos/proto";
import { createOperatorClient } from "@mesos/client";
import { eventually, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

const cleanup = useCleanups();

async function launchCommand(fw: TestFramework, taskId: string, command: string) {
  const offer = await fw.launch(taskId, command);
  await fw.waitForStatus(taskId, TaskState.TASK_RUNNING);
  return offer.agentId!.value;
}

test("a checkpointed task survives an agent restart and its FINISHED update arrives exactly once", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const workDir = tempDir("agent");
  const flag = join(tempDir("flag"), "go");
  let agent = await startTestAgent(master, { workDir });
  await agent.registered;
  const fw = await startTestFramework(master.url, { checkpoint: true, failoverTimeout: 60 });
  cleanup(() => fw.close());
  const agentId = await launchCommand(fw, "survivor", `while [ ! -e ${flag} ]; do sleep 0.05; done; echo done`);

  await agent.stop();
  agent = await startTestAgent(master, { workDir });
  cleanup(() => agent.stop());
  expect(await agent.registered).toBe(agentId);
  expect(agent.ctx.tasks.get(`${fw.sub.frameworkId}/survivor`)?.state).toBe(TaskState.TASK_RUNNING);

  writeFileSync(flag, "");
  await fw.waitForStatus("survivor", TaskState.TASK_FINISHED);
  await eventually(() => agent.ctx.tasks.size === 0, 5000, "the acknowledged task to be forgotten");
  await Bun.sleep(300);
  expect(fw.statuses.filter((s) => s.taskId?.value === "survivor" && s.state === TaskState.TASK_FINISHED)).toHaveLength(1);
});

test("an unreachable agent: TASK_LOST for a plain framework, TASK_UNREACHABLE for a partition-aware one", async () => {
  // Unreachable 2 s after it stops. Not shorter: master and agent share this process, and on a
  // loaded machine its stalls made a shorter timeout drop the running agent (offers rescinded
  // while the test launched, tasks never started).
  const master = await startTestMaster({ flags: ["--agent_ping_timeout=1secs", "--max_agent_ping_timeouts=2"] });
  cleanup(() => master.stop());
  const workDir = tempDir("agent");
  const agent = await startTestAgent(master, { workDir, flags: ["--resources=cpus:1;mem:512"] });
  await agent.registered;
  const plain = await startTestFramework(master.url, { checkpoint: true });
  cleanup(() => plain.close());
  await launchCommand(plain, "plain-task", "sleep 1000");
  const aware = await startTestFramework(master.url, { checkpoint: true, capabilities: [{ type: 5 }] });
  cleanup(() => aware.close());
  await launchCommand(aware, "aware-task", "sleep 1000");

  await agent.stop();
  const lost = await plain.waitForStatus("plain-task", TaskState.TASK_LOST, 20_000);
  expect(lost.reason).toBe(TaskStatus_Reason.AGENT_REMOVED);
  const unreachable = await aware.waitForStatus("aware-task", TaskState.TASK_UNREACHABLE, 20_000);
  expect(unreachable.unreachableTime).toBeDefined();
  const tasks = await createOperatorClient(master.url).getTasks();
  expect(tasks.unreachableTasks.map((t) => t.taskId!.value)).toEqual(["aware-task"]);

  // The agent comes back: the partition-aware task is running again; the other framework's task
  // was already reported lost, so it is shut down on the agent.
  const back = await startTestAgent(master, { workDir, flags: ["--resources=cpus:1;mem:512"] });
  cleanup(() => back.stop());
  await back.registered;
  await aware.sub.reconcile([{ taskId: "aware-task" }]);
  const reconciled = await eventually(
    () => aware.statuses.find((s) => s.taskId?.value === "aware-task" && s.reason === TaskStatus_Reason.RECONCILIATION),
    20_000,
    "a reconciliation answer",
  );
  expect(reconciled?.state).toBe(TaskState.TASK_RUNNING);
  await eventually(() => !back.ctx.tasks.has(`${plain.sub.frameworkId}/plain-task`), 20_000, "the lost task to be shut down on the agent");
}, 90_000);

test("reconciling unknown tasks follows Mesos's rules", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const agent = await startTestAgent(master);
  cleanup(() => agent.stop());
  const agentId = await agent.registered;
  const plain = await startTestFramework(master.url);
  cleanup(() => plain.close());
  const aware = await startTestFramework(master.url, { capabilities: [{ type: 5 }] });
  cleanup(() => aware.close());
  for (const fw of [plain, aware]) {
    await fw.sub.reconcile([{ taskId: "ghost" }, { taskId: "ghost-on-agent", agentId }, { taskId: "ghost-elsewhere", agentId: "no-such-agent" }]);
  }
  const stateOf = (fw: TestFramework, id: string) => eventually(() => fw.statuses.find((s) => s.taskId?.value === id)?.state, 5000, id);
  expect(await stateOf(plain, "ghost")).toBe(TaskState.TASK_LOST);
  expect(await stateOf(plain, "ghost-on-agent")).toBe(TaskState.TASK_LOST);
  expect(await stateOf(aware, "ghost")).toBe(TaskState.TASK_UNKNOWN);
  expect(await stateOf(aware, "ghost-on-agent")).toBe(TaskState.TASK_GONE);
  expect(await stateOf(aware, "ghost-elsewhere")).toBe(TaskState.TASK_UNKNOWN);
  expect(aware.statuses.every((s) => s.uuid.length === 0)).toBe(true);
});
