/** UPDATE events read by hand are the messages protobuf-es decodes; anything else is left to it. */
import { expect, test } from "bun:test";
import { create, equals, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { scheduler, TaskState, TaskStatus_Reason, TaskStatus_Source, type TaskStatusSchema } from "@mesos/proto";
import fc from "fast-check";
import { mutateBytes } from "@mesos/core/fuzz";
import { readUpdateEvent } from "./update-event-decoder.ts";

const schema = scheduler.EventSchema;
type StatusInit = Exclude<MessageInitShape<typeof TaskStatusSchema>, { $typeName: string }>;

const agentStatus: StatusInit = {
  taskId: { value: "fw0-1" },
  state: TaskState.TASK_RUNNING,
  source: TaskStatus_Source.EXECUTOR,
  agentId: { value: "c0ffee00-0000-4000-8000-000000000000-S0" },
  executorId: { value: "fw0-1" },
  timestamp: 1_764_790_000.123456,
  uuid: new Uint8Array(16).fill(9),
  containerStatus: { containerId: { value: "2f1b6c1e-5a0e-4f7a-9d55-0e9c3b1d2a77" } },
};

const updateEvent = (status: StatusInit) => toBinary(schema, create(schema, { type: scheduler.Event_Type.UPDATE, update: { status } }));

/** Read by hand as protobuf-es reads it, or left to it (undefined); `byHand` says which is expected. */
function expectSame(bytes: Uint8Array, byHand?: boolean): void {
  let expected: scheduler.Event | undefined;
  try {
    expected = fromBinary(schema, bytes);
  } catch {
    expect(readUpdateEvent(bytes)).toBeUndefined();
    return;
  }
  const got = readUpdateEvent(bytes);
  if (byHand !== undefined) expect(got !== undefined).toBe(byHand);
  if (got === undefined) return;
  expect(equals(schema, got, expected)).toBe(true);
  expect(got).toEqual(expected);
  // The defaults of fields not set read alike too (proto2: from the prototype).
  const [a, b] = [got.update!.status!, expected.update!.status!];
  expect([a.message, a.healthy, a.reason, a.data, a.source, a.timestamp]).toEqual([b.message, b.healthy, b.reason, b.data, b.source, b.timestamp]);
}

test("an agent's statuses are read by hand", () => {
  expectSame(updateEvent(agentStatus), true);
  expectSame(
    updateEvent({
      ...agentStatus,
      state: TaskState.TASK_FAILED,
      message: "Command exited with status 3 — ✗\uFEFF",
      reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
      source: TaskStatus_Source.AGENT,
    }),
    true,
  );
  // Long fields, empty ids and uuid, only the required fields.
  expectSame(updateEvent({ ...agentStatus, taskId: { value: "t".repeat(300) }, message: "m".repeat(20_000) }), true);
  expectSame(updateEvent({ taskId: { value: "" }, state: TaskState.TASK_STAGING, uuid: new Uint8Array(0) }), true);
});

test("other events and statuses with other fields are left to protobuf-es", () => {
  for (const extra of [
    { data: new Uint8Array([1]) },
    { healthy: false },
    { labels: { labels: [{ key: "exit_status", value: "0" }] } },
    { limitation: { resources: [] } },
    { checkStatus: {} },
    { containerStatus: { containerId: { value: "c", parent: { value: "p" } } } },
    { containerStatus: { containerId: { value: "c" }, executorPid: 1 } },
    { containerStatus: {} },
  ] as StatusInit[]) {
    expectSame(updateEvent({ ...agentStatus, ...extra }), false);
  }
  expectSame(toBinary(schema, create(schema, { type: scheduler.Event_Type.HEARTBEAT })), false);
  expectSame(toBinary(schema, create(schema, { type: scheduler.Event_Type.OFFERS, offers: { offers: [] } })), false);
  // An UPDATE whose update is given twice (protobuf merges them), and a type twice.
  const once = updateEvent(agentStatus);
  expectSame(new Uint8Array([...once, ...once.subarray(2)]), false);
  expectSame(new Uint8Array([...once, 0x08, 0x03]), false);
});

test("fuzz: statuses and any bytes decode as protobuf-es decodes them", () => {
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "binary", maxLength: 10 }));
  const id = fc.record({ value: text });
  const status = fc.record(
    {
      taskId: id,
      state: fc.constantFrom(...Object.values(TaskState).filter((v) => typeof v === "number")),
      message: text,
      source: fc.constantFrom(TaskStatus_Source.AGENT, TaskStatus_Source.EXECUTOR, TaskStatus_Source.MASTER),
      reason: fc.constantFrom(TaskStatus_Reason.COMMAND_EXECUTOR_FAILED, TaskStatus_Reason.CONTAINER_LAUNCH_FAILED),
      agentId: id,
      executorId: id,
      timestamp: fc.double({ noNaN: true }), // NaN is not equal to itself
      uuid: fc.uint8Array({ maxLength: 20 }),
      containerStatus: fc.record({ containerId: id }),
    },
    { requiredKeys: ["taskId", "state"] },
  );
  fc.assert(
    fc.property(status, (s) => expectSame(updateEvent(s as StatusInit), true)),
    { numRuns: 200 },
  );
  // An event with bytes changed, cut or added: whatever it is now, read as protobuf-es reads it.
  const base = updateEvent(agentStatus);
  fc.assert(
    fc.property(mutateBytes(base), (bytes) => expectSame(bytes)),
    { numRuns: 1000 },
  );
}, 30_000); // the runs take a few seconds on a busy machine

test("a message or agent id like the last one read (same length, other bytes) is read anew, the same one reused", () => {
  const agent = (value: string, message: string) => updateEvent({ ...agentStatus, agentId: { value }, message });
  for (const bytes of [
    agent("agent-A-S1", "Reconciliation: Latest task state"),
    agent("agent-A-S1", "Reconciliation: Latest task state"),
    agent("agent-B-S1", "Reconciliation: Latest task statf"),
    agent("agent-B-S1", "Reconciliation: Latest task statf"),
    agent("agent-A-S1", ""),
    agent("agent-A-S", "Reconciliation: Task is unknown"),
    agent("agent-é-S1", "é"),
    agent("agent-é-S1", "é"),
  ]) {
    expectSame(bytes, true);
  }
});
