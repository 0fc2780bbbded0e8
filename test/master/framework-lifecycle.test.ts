/**
 * Framework subscriptions over time: heartbeats, disconnection, failover and teardown. Master,
 * agent (its tasks run in a simulated containerizer until killed) and frameworks in memory.
 */
import { expect, test } from "bun:test";
import { ManualClock } from "@mesos/core";
import { scheduler, TaskState } from "@mesos/proto";
import { createOperatorClient, subscribe } from "@mesos/client";
import { eventually } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

async function cluster(): Promise<{ master: InMemoryMaster; agent: Awaited<ReturnType<typeof attachInMemoryAgent>> }> {
  const master = await createInMemoryMaster(cleanup);
  const agent = await attachInMemoryAgent(master, cleanup);
  await agent.registered;
  return { master, agent };
}

async function runSleeper(fw: TestFramework, taskId: string) {
  await fw.launch(taskId, "sleep 1000");
  await fw.waitForStatus(taskId, TaskState.TASK_RUNNING);
}

test("SUBSCRIBED comes first, then a HEARTBEAT at once and every 15 s of master time", async () => {
  const clock = new ManualClock();
  const master = await createInMemoryMaster(cleanup, { clock });
  const fw = await startTestFramework(master.transport);
  cleanup(() => fw.close());
  const heartbeats = () => fw.events.filter((e) => e.type === scheduler.Event_Type.HEARTBEAT).length;
  await eventually(() => heartbeats() === 1, 2000, "the first heartbeat");
  clock.advance(14_999);
  await Bun.sleep(50);
  expect(heartbeats()).toBe(1);
  clock.advance(1);
  await eventually(() => heartbeats() === 2, 2000, "the second heartbeat");
  clock.advance(30_000);
  await eventually(() => heartbeats() === 4, 2000, "two more heartbeats");
});

test("a framework that re-subscribes within its failover timeout keeps its tasks", async () => {
  const { master, agent } = await cluster();
  const fw = await startTestFramework(master.transport, { failoverTimeout: 60 });
  await runSleeper(fw, "kept");
  fw.close();
  const operator = createOperatorClient(master.transport);
  await eventually(async () => (await operator.getFrameworks()).frameworks.some((f) => !f.connected), 5000, "the framework to be disconnected");

  const again = await startTestFramework(master.transport, { id: { value: fw.sub.frameworkId }, failoverTimeout: 60 });
  cleanup(() => again.close());
  await again.sub.reconcile([]);
  const latest = await eventually(() => again.statuses.find((s) => s.taskId?.value === "kept"), 5000, "reconciliation");
  expect(latest.state).toBe(TaskState.TASK_RUNNING);
  await again.sub.kill("kept");
  await again.waitForStatus("kept", TaskState.TASK_KILLED);
});

test("after the failover timeout the framework is torn down and its tasks are killed", async () => {
  const { master, agent } = await cluster();
  const fw = await startTestFramework(master.transport, { failoverTimeout: 0.2 });
  await runSleeper(fw, "doomed");
  fw.close();
  const operator = createOperatorClient(master.transport);
  const frameworks = await eventually(
    async () => {
      const f = await operator.getFrameworks();
      return f.completedFrameworks.length === 1 ? f : undefined;
    },
    5000,
    "the framework to be removed",
  );
  expect(frameworks.frameworks).toHaveLength(0);
  expect(frameworks.completedFrameworks[0]!.frameworkInfo!.id!.value).toBe(fw.sub.frameworkId);
  await eventually(() => agent.agent.ctx.tasks.size === 0, 5000, "the agent to kill and forget the task");
  await expect(subscribe(master.transport, { user: "root", name: "x", id: { value: fw.sub.frameworkId } })).rejects.toThrow("has been removed");
});

test("TEARDOWN removes the framework at once", async () => {
  const { master, agent } = await cluster();
  const fw = await startTestFramework(master.transport, { failoverTimeout: 3600 });
  cleanup(() => fw.close());
  await runSleeper(fw, "torn");
  await fw.sub.teardown();
  await eventually(() => agent.agent.ctx.tasks.size === 0, 5000, "the task to be killed");
  const f = await createOperatorClient(master.transport).getFrameworks();
  expect(f.frameworks).toHaveLength(0);
  expect(f.completedFrameworks[0]!.frameworkInfo!.name).toBe("test-framework");
});
