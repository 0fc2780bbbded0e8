/** A master's status event written by hand is byte for byte what protobuf-es writes for the same event. */
import { expect, test } from "bun:test";
import { create, isFieldSet, toBinary } from "@bufbuild/protobuf";
import { scheduler, TaskState, TaskStatus_Source, TaskStatusSchema } from "@mesos/proto";
import { encodeShared } from "@mesos/rpc";
import fc from "fast-check";
import { masterUpdateEvent } from "./master-status-bytes.ts";
import { type MasterStatusFields, masterStatus, TaskStatus_Reason, updateEvent } from "./task-status.ts";

const notCalled = (): Uint8Array => {
  throw new Error("encoded again");
};

function expectAsProtobufEs(fields: MasterStatusFields, now: number): void {
  const clock = { now: () => now } as Parameters<typeof masterStatus>[0]["clock"];
  const event = masterUpdateEvent({ clock }, fields);
  const expected = updateEvent(masterStatus({ clock }, fields));
  expect(event).toEqual(expected);
  expect(encodeShared(event, "protobuf", notCalled)).toEqual(toBinary(scheduler.EventSchema, expected));
}

test("reconciliation answers as protobuf-es encodes them", () => {
  const answers: MasterStatusFields[] = [
    {
      taskId: "fw0-1",
      agentId: "c0ffee-S0",
      state: TaskState.TASK_RUNNING,
      reason: TaskStatus_Reason.RECONCILIATION,
      message: "Reconciliation: Latest task state",
    },
    { taskId: "t", state: TaskState.TASK_LOST, reason: TaskStatus_Reason.RECONCILIATION, message: "Reconciliation: Task is unknown" },
    { taskId: "", agentId: "", state: TaskState.TASK_STARTING, reason: TaskStatus_Reason.RECONCILIATION, message: "" },
    // Lengths of two and three bytes, and text that is not ASCII.
    {
      taskId: "✗".repeat(300),
      agentId: "ä".repeat(70),
      state: TaskState.TASK_GONE_BY_OPERATOR,
      reason: TaskStatus_Reason.AGENT_REMOVED,
      message: "m".repeat(20_000),
    },
  ];
  for (const fields of answers) expectAsProtobufEs(fields, 1_764_790_000_123.456);
  expectAsProtobufEs(answers[0]!, 0);
});

test("a master's status and its event are the messages create() makes of the same fields", () => {
  const clock = { now: () => 1_764_790_000_123 } as Parameters<typeof masterStatus>[0]["clock"];
  for (const agentId of ["S0", "", undefined]) {
    const fields = { taskId: "t", agentId, state: TaskState.TASK_LOST, reason: TaskStatus_Reason.RECONCILIATION, message: "m" };
    const expected = create(TaskStatusSchema, {
      taskId: { value: "t" },
      agentId: agentId ? { value: agentId } : undefined,
      state: TaskState.TASK_LOST,
      reason: TaskStatus_Reason.RECONCILIATION,
      message: "m",
      source: TaskStatus_Source.MASTER,
      timestamp: 1_764_790_000.123,
    });
    const status = masterStatus({ clock }, fields);
    expect(status).toEqual(expected);
    for (const field of TaskStatusSchema.fields) expect(isFieldSet(status, field)).toBe(isFieldSet(expected, field));
    const event = updateEvent(status);
    expect(event).toEqual(create(scheduler.EventSchema, { type: scheduler.Event_Type.UPDATE, update: { status: expected } }));
    expect(toBinary(scheduler.EventSchema, event)).toEqual(
      toBinary(scheduler.EventSchema, create(scheduler.EventSchema, { type: scheduler.Event_Type.UPDATE, update: { status: expected } })),
    );
  }
});

test("random master statuses as protobuf-es encodes them", () => {
  const text = fc.string({ unit: "grapheme", maxLength: 300 });
  fc.assert(
    fc.property(
      text,
      fc.option(text, { nil: undefined }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 40 }),
      text,
      fc.double({ noNaN: true }),
      (taskId, agentId, state, reason, message, now) => expectAsProtobufEs({ taskId, agentId, state, reason, message }, now),
    ),
    { numRuns: 1000 },
  );
});

test("a master's status and its event are the messages create() makes from the same fields", () => {
  const clock = { now: () => 1_700_000_000_123 } as Parameters<typeof masterStatus>[0]["clock"];
  const fields: MasterStatusFields = {
    taskId: "fw0-1",
    agentId: "c0ffee-S0",
    state: TaskState.TASK_RUNNING,
    reason: TaskStatus_Reason.RECONCILIATION,
    message: "Reconciliation: Latest task state",
  };
  const status = masterStatus({ clock }, fields);
  const expected = create(TaskStatusSchema, {
    taskId: { value: "fw0-1" },
    agentId: { value: "c0ffee-S0" },
    state: TaskState.TASK_RUNNING,
    reason: TaskStatus_Reason.RECONCILIATION,
    message: "Reconciliation: Latest task state",
    timestamp: 1_700_000_000.123,
    source: TaskStatus_Source.MASTER,
  });
  expect(status).toEqual(expected);
  expect(Object.getPrototypeOf(status)).toBe(Object.getPrototypeOf(expected));
  expect(Object.keys(status).sort()).toEqual(Object.keys(expected).sort());
  const event = updateEvent(status);
  const expectedEvent = create(scheduler.EventSchema, { type: scheduler.Event_Type.UPDATE, update: { status: expected } });
  expect(event).toEqual(expectedEvent);
  expect(Object.getPrototypeOf(event)).toBe(Object.getPrototypeOf(expectedEvent));
  expect(Object.getPrototypeOf(event.update)).toBe(Object.getPrototypeOf(expectedEvent.update));
});
