import { expect, test } from "bun:test";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ManualClock, newUuidBytes, silentLogger, uuidFromBytes } from "@mesos/core";
import { internal, TaskState, TaskStatusSchema } from "@mesos/proto";
import { createStatusUpdateManager, type PendingUpdate, type StatusUpdateStore, encodedStatusUpdate } from "./status-update-manager.ts";

function memoryStore(): StatusUpdateStore & { rows: PendingUpdate[] } {
  const rows: PendingUpdate[] = [];
  return {
    rows,
    append: (u) => void rows.push(u),
    remove: (u) => {
      const i = rows.indexOf(u);
      if (i !== -1) rows.splice(i, 1);
    },
    loadAll: () => [...rows],
  };
}

const update = (state: TaskState, taskId = "t"): PendingUpdate => ({
  frameworkId: "f",
  taskId,
  status: create(TaskStatusSchema, { taskId: { value: taskId }, state, uuid: newUuidBytes() }),
});

function setup(store = memoryStore()) {
  const clock = new ManualClock();
  const sent: PendingUpdate[] = [];
  const done: string[] = [];
  const sum = createStatusUpdateManager({
    store,
    clock,
    log: silentLogger,
    forward: (u) => {
      sent.push(u);
      return true;
    },
    onTerminalAcknowledged: (_, t) => void done.push(t),
  });
  return { sum, clock, sent, done, store };
}

test("one update per task in flight, the next only after the acknowledgement", () => {
  const { sum, sent, store } = setup();
  const running = update(TaskState.TASK_RUNNING);
  const finished = update(TaskState.TASK_FINISHED);
  sum.update(running);
  sum.update(finished);
  expect(sent.map((u) => u.status.state)).toEqual([TaskState.TASK_RUNNING]);
  expect(store.rows).toHaveLength(2);
  expect(sum.acknowledge("f", "t", uuidFromBytes(finished.status.uuid))).toBe(false);
  expect(sum.acknowledge("f", "t", uuidFromBytes(running.status.uuid))).toBe(true);
  expect(sent.map((u) => u.status.state)).toEqual([TaskState.TASK_RUNNING, TaskState.TASK_FINISHED]);
  expect(store.rows).toHaveLength(1);
});

test("retries from 10 s, doubling, up to 10 min, until acknowledged", () => {
  const { sum, clock, sent } = setup();
  const u = update(TaskState.TASK_RUNNING);
  sum.update(u);
  clock.advance(9_999);
  expect(sent).toHaveLength(1);
  clock.advance(1);
  expect(sent).toHaveLength(2);
  clock.advance(19_999);
  expect(sent).toHaveLength(2);
  clock.advance(1);
  expect(sent).toHaveLength(3);
  clock.advance(40_000 + 80_000 + 160_000 + 320_000);
  expect(sent).toHaveLength(7);
  clock.advance(600_000); // capped at 10 min
  expect(sent).toHaveLength(8);
  sum.acknowledge("f", "t", uuidFromBytes(u.status.uuid));
  clock.advance(3_600_000);
  expect(sent).toHaveLength(8);
});

test("the terminal acknowledgement ends the stream; duplicates are ignored", () => {
  const { sum, done, sent } = setup();
  const finished = update(TaskState.TASK_FINISHED);
  sum.update(finished);
  sum.update(finished);
  expect(sent).toHaveLength(1);
  sum.acknowledge("f", "t", uuidFromBytes(finished.status.uuid));
  expect(done).toEqual(["t"]);
  expect(sum.pending("f", "t")).toHaveLength(0);
});

test("removing a framework drops its streams and their checkpoints", () => {
  const { sum, store } = setup();
  sum.update(update(TaskState.TASK_RUNNING, "a"));
  sum.update(update(TaskState.TASK_FINISHED, "a"));
  sum.removeFramework("f");
  expect(store.rows).toHaveLength(0);
  expect(sum.pending("f", "a")).toHaveLength(0);
});

test("pending and resendAll stay right as updates are queued, acknowledged, dropped and recovered", () => {
  const { sum, sent, store } = setup();
  const states = (taskId: string) => sum.pending("f", taskId).map((u) => TaskState[u.status.state]);
  const a = update(TaskState.TASK_RUNNING, "a");
  sum.update(a);
  sum.update(update(TaskState.TASK_RUNNING, "b"));
  sum.acknowledge("f", "a", uuidFromBytes(a.status.uuid));
  // "a" is settled, "b" still waits: its stream is found though another one emptied.
  expect(states("a")).toEqual([]);
  expect(states("b")).toEqual(["TASK_RUNNING"]);
  sent.length = 0;
  sum.resendAll();
  expect(sent.map((u) => u.taskId)).toEqual(["b"]);
  // Dropped with its framework: nothing left, nothing resent; then a new update is found again.
  sum.removeFramework("f");
  sent.length = 0;
  sum.resendAll();
  expect(sent).toEqual([]);
  sum.update(update(TaskState.TASK_KILLED, "c"));
  expect(states("c")).toEqual(["TASK_KILLED"]);
  // Recovered from the checkpoints by a restarted agent: pending before anything is sent.
  const restarted = setup(store);
  restarted.sum.recover();
  expect(restarted.sum.pending("f", "c").map((u) => TaskState[u.status.state])).toEqual(["TASK_KILLED"]);
});

test("after a restart, checkpointed updates are resent in order", () => {
  const first = setup();
  first.sum.update(update(TaskState.TASK_RUNNING, "a"));
  first.sum.update(update(TaskState.TASK_FINISHED, "a"));
  first.sum.update(update(TaskState.TASK_RUNNING, "b"));
  first.sum.stop();
  const second = setup(first.store);
  second.sum.recover();
  expect(second.sent).toHaveLength(0);
  second.sum.resendAll();
  expect(second.sent.map((u) => `${u.taskId}:${TaskState[u.status.state]}`).sort()).toEqual(["a:TASK_RUNNING", "b:TASK_RUNNING"]);
  expect(second.sum.pending("f", "a").map((u) => u.status.state)).toEqual([TaskState.TASK_RUNNING, TaskState.TASK_FINISHED]);
});

test("the update the master hears carries the status encoded once, and decodes as if encoded whole", () => {
  const u: PendingUpdate = {
    frameworkId: "f",
    taskId: "t",
    status: create(TaskStatusSchema, { taskId: { value: "t" }, state: TaskState.TASK_RUNNING, uuid: newUuidBytes(), message: "m", timestamp: 1.5 }),
  };
  const encoded = encodedStatusUpdate(u, TaskState.TASK_FINISHED);
  expect(encoded.field).toBe(internal.AgentMessageSchema.field.statusUpdate!.number);
  const sent = encoded.bytes;
  const whole = create(internal.StatusUpdateSchema, { frameworkId: { value: "f" }, status: u.status, latestState: TaskState.TASK_FINISHED });
  expect(equals(internal.StatusUpdateSchema, fromBinary(internal.StatusUpdateSchema, sent), whole)).toBe(true);
  // Byte for byte what protobuf-es writes, with and without the latest state.
  expect(sent).toEqual(toBinary(internal.StatusUpdateSchema, whole));
  const withoutLatest = create(internal.StatusUpdateSchema, { frameworkId: { value: "f" }, status: u.status });
  expect(encodedStatusUpdate(u, undefined).bytes).toEqual(toBinary(internal.StatusUpdateSchema, withoutLatest));
  expect(u.encoded).toEqual(toBinary(TaskStatusSchema, u.status));
});
