/** Framework subscriptions over time: heartbeats, disconnection, failover and teardown. */
import { expect, test } from "bun:test";
import { ManualClock } from "@mesos/core";
import { scheduler, TaskState } from "@mesos/proto";
import { createOperatorClient, subscribe } from "@mesos/client";
import { eventually, startTestAgent, startTestMaster } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

const cleanup = useCleanups();

async function runSleeper(fw: TestFramework, taskId: string) {
  await fw.launch(taskId, "sleep 1000");
  await fw.waitForStatus(taskId, TaskState.TASK_RUNNING);
}

test("SUBSCRIBED comes first, then a HEARTBEAT every 15 s of master time", async () => {
  const clock = new ManualClock();
  const master = await startTestMaster({ clock });
  cleanup(() => master.stop());
  const fw = await startTestFramework(master.url);
  cleanup(() => fw.close());
  const heartbeats = () => fw.events.filter((e) => e.type === scheduler.Event_Type.HEARTBEAT).length;
  clock.advance(14_999);
  await Bun.sleep(50);
  expect(heartbeats()).toBe(0);
  clock.advance(1);
  await eventually(() => heartbeats() === 1, 2000, "the first heartbeat");
  clock.advance(30_000);
  await eventually(() => heartbeats() === 3, 2000, "two more heartbeats");
});

test("a framework that re-subscribes within its failover timeout keeps its tasks", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const agent = await startTestAgent(master);
  cleanup(() => agent.stop());
  await agent.registered;
  const fw = await startTestFramework(master.url, { failoverTimeout: 60 });
  await runSleeper(fw, "kept");
  fw.close();
  const operator = createOperatorClient(master.url);
  await eventually(async () => (await operator.getFrameworks()).frameworks.some((f) => !f.connected), 5000, "the framework to be disconnected");

  const again = await startTestFramework(master.url, { id: { value: fw.sub.frameworkId }, failoverTimeout: 60 });
  cleanup(() => again.close());
  await again.sub.reconcile([]);
  const latest = await eventually(() => again.statuses.find((s) => s.taskId?.value === "kept"), 5000, "reconciliation");
  expect(latest.state).toBe(TaskState.TASK_RUNNING);
  await again.sub.kill("kept");
  await again.waitForStatus("kept", TaskState.TASK_KILLED);
});

test("after the failover timeout the framework is torn down and its tasks are killed", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const agent = await startTestAgent(master);
  cleanup(() => agent.stop());
  await agent.registered;
  const fw = await startTestFramework(master.url, { failoverTimeout: 0.2 });
  await runSleeper(fw, "doomed");
  fw.close();
  const operator = createOperatorClient(master.url);
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
  await eventually(() => agent.ctx.tasks.size === 0, 5000, "the agent to kill and forget the task");
  await expect(subscribe(master.url, { user: "root", name: "x", id: { value: fw.sub.frameworkId } })).rejects.toThrow("has been removed");
});

test("TEARDOWN removes the framework at once", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const agent = await startTestAgent(master);
  cleanup(() => agent.stop());
  await agent.registered;
  const fw = await startTestFramework(master.url, { failoverTimeout: 3600 });
  cleanup(() => fw.close());
  await runSleeper(fw, "torn");
  await fw.sub.teardown();
  await eventually(() => agent.ctx.tasks.size === 0, 5000, "the task to be killed");
  const f = await createOperatorClient(master.url).getFrameworks();
  expect(f.frameworks).toHaveLength(0);
  expect(f.completedFrameworks[0]!.frameworkInfo!.name).toBe("test-framework");
});
