/**
 * What an agent remembers of the acknowledgements of a custom executor's updates, as long as Mesos
 * 1.8 keeps them (a task's status update stream holds its acknowledged uuids until the stream ends
 * with the acknowledgement of the task's terminal update): a task that is still here keeps them, in
 * memory and checkpointed, so that an executor re-subscribing after an agent restart with an update
 * the framework acknowledged meanwhile is not forwarded again; a task whose end was acknowledged
 * takes them with it, however long its executor lives. An executor re-subscribing with an update of
 * such a task (it missed the ACKNOWLEDGED) is answered ACKNOWLEDGED and nothing is forwarded.
 */
import { expect, test } from "bun:test";
import { eventually } from "../support/cluster.ts";
import { register } from "../support/in-memory-agent.ts";
import { agentOnDisk, executorCall, launch, readEvents, statusJson, updatesOf, uuidOf } from "../support/in-memory-executor.ts";

test("a custom executor's acknowledgements go with their task's end, in memory and checkpointed; a re-sent update of an ended task is acknowledged, not forwarded", async () => {
  const { start } = agentOnDisk("custom-executor-acks");
  const before = await start({ acknowledge: true });
  try {
    register(before);
    launch(before, "ended");
    launch(before, "running");
    const subscribed = await executorCall(before, { type: "SUBSCRIBE", subscribe: {} });
    for (const [taskId, state, byte] of [
      ["ended", "TASK_RUNNING", 1],
      ["ended", "TASK_FINISHED", 2],
      ["running", "TASK_RUNNING", 3],
    ] as const) {
      expect((await executorCall(before, { type: "UPDATE", update: { status: statusJson(taskId, state, byte) } })).status).toBe(202);
    }
    await eventually(() => !before.ctx.tasks.has("f/ended"), 10_000, "the finished task forgotten");
    await eventually(() => before.ctx.statusUpdates.pending("f", "running").length === 0, 10_000, "running's update acknowledged");
    const remembered = (acknowledged: Map<string, Set<string>>) => Object.fromEntries([...acknowledged].map(([task, uuids]) => [task, uuids.size]));
    expect(remembered(before.ctx.customExecutors.get("f", "ce")!.acknowledged)).toEqual({ running: 1 });
    expect(remembered(before.ctx.store.executors()[0]!.acknowledged)).toEqual({ running: 1 });
    await subscribed.body?.cancel();
  } finally {
    await before.stop();
  }

  const after = await start();
  try {
    register(after);
    // The executor missed the ACKNOWLEDGED of both updates it sent last.
    const res = await executorCall(after, {
      type: "SUBSCRIBE",
      subscribe: {
        unacknowledged_updates: [{ status: statusJson("ended", "TASK_FINISHED", 2) }, { status: statusJson("running", "TASK_RUNNING", 3) }],
      },
    });
    expect(res.status).toBe(200);
    const events = await readEvents(res, (e) => e.length >= 3);
    expect(events.map((e) => e.type)).toEqual(["SUBSCRIBED", "ACKNOWLEDGED", "ACKNOWLEDGED"]);
    expect(events.slice(1).map((e) => e.acknowledged!.uuid)).toEqual([uuidOf(2), uuidOf(3)]);
    // Let anything the agent would forward arrive: nothing of either task.
    await Bun.sleep(200);
    expect(updatesOf(after, "ended")).toEqual([]);
    expect(updatesOf(after, "running")).toEqual([]);
    expect(after.ctx.tasks.has("f/ended")).toBe(false);
    await res.body?.cancel();
  } finally {
    await after.stop();
  }
}, 30_000);
