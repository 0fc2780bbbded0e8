import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { internal, scheduler, TaskState, TaskStatusSchema } from "@mesos/proto";
import { encodeShared } from "@mesos/rpc";
import { relayedUpdateEvent, statusBytesIn } from "./relayed-status.ts";
import { updateEvent } from "./task-status.ts";

const status = create(TaskStatusSchema, {
  taskId: { value: "t1" },
  state: TaskState.TASK_RUNNING,
  agentId: { value: "a1" },
  uuid: new Uint8Array([1, 2, 3, 4]),
  timestamp: 1234.5,
  labels: { labels: [{ key: "k", value: "v" }] },
  // Long enough for lengths of two and three bytes.
  message: "m".repeat(20_000),
});
const agentFrame = (update: internal.StatusUpdate) =>
  toBinary(
    internal.AgentMessageSchema,
    create(internal.AgentMessageSchema, { agentId: { value: "a1" }, connectionId: "c", message: { case: "statusUpdate", value: update } }),
  );
const update = create(internal.StatusUpdateSchema, { frameworkId: { value: "f1" }, status, latestState: TaskState.TASK_FINISHED });
const notCalled = (): Uint8Array => {
  throw new Error("encoded again");
};

test("the UPDATE event is written around the status bytes of the agent's frame, and reads back as the event of the decoded status", () => {
  const frame = agentFrame(update);
  const bytes = statusBytesIn(frame);
  expect(bytes).toEqual(toBinary(TaskStatusSchema, status));
  const decoded = fromBinary(internal.AgentMessageSchema, frame).message.value as internal.StatusUpdate;
  const event = relayedUpdateEvent(decoded.status!, bytes);
  const encoded = encodeShared(event, "protobuf", notCalled);
  expect(fromBinary(scheduler.EventSchema, encoded)).toEqual(updateEvent(status));
  expect(encoded).toEqual(toBinary(scheduler.EventSchema, updateEvent(status)));
});

test("without bytes, or for a frame that is not one status update, the event is encoded as usual", () => {
  expect(
    statusBytesIn(
      toBinary(
        internal.AgentMessageSchema,
        create(internal.AgentMessageSchema, { agentId: { value: "a1" }, connectionId: "c", message: { case: "pong", value: {} } }),
      ),
    ),
  ).toBeUndefined();
  expect(statusBytesIn(new Uint8Array([0x22, 0x7f]))).toBeUndefined(); // truncated
  let calls = 0;
  encodeShared(relayedUpdateEvent(status, undefined), "protobuf", () => (calls++, new Uint8Array()));
  expect(calls).toBe(1);
});

test("a status named twice (protobuf merges the two) is not relayed as either one's bytes", () => {
  const w = new BinaryWriter();
  const second = create(TaskStatusSchema, { taskId: { value: "t1" }, state: TaskState.TASK_FAILED, uuid: new Uint8Array([9]) });
  w.tag(internal.StatusUpdateSchema.field.status!.number, WireType.LengthDelimited).bytes(toBinary(TaskStatusSchema, second));
  const inner = new Uint8Array([...toBinary(internal.StatusUpdateSchema, update), ...w.finish()]);
  const frame = new BinaryWriter().tag(internal.AgentMessageSchema.field.statusUpdate!.number, WireType.LengthDelimited).bytes(inner).finish();
  expect((fromBinary(internal.AgentMessageSchema, frame).message.value as internal.StatusUpdate).status!.state).toBe(TaskState.TASK_FAILED);
  expect(statusBytesIn(frame)).toBeUndefined();
});
