/** Frames read by hand give the message protobuf-es decodes from them; other frames are left to it. */
import { expect, test } from "bun:test";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FrameworkInfoSchema, internal, TaskInfoSchema, Value_Type } from "@mesos/proto";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import fc from "fast-check";
import { mutateBytes } from "@mesos/core/fuzz";
import { expectSameAsProtobufEs } from "./decoder-test-helpers.ts";
import { decodeMasterMessage, runTaskBytes } from "./master-message-decoder.ts";

const schema = internal.MasterMessageSchema;

function acknowledgement(frameworkId: string, taskId: string, uuid: Uint8Array): Uint8Array {
  return toBinary(
    schema,
    create(schema, { message: { case: "acknowledgeStatusUpdate", value: { frameworkId: { value: frameworkId }, taskId: { value: taskId }, uuid } } }),
  );
}

test("an acknowledgement is read by hand as protobuf-es reads it", () => {
  const uuid = new Uint8Array(16).fill(7);
  const frame = acknowledgement("c0ffee00-0000-4000-8000-000000000000-0001", "fw0-1", uuid);
  const m = decodeMasterMessage(frame);
  expect(m.message.case).toBe("acknowledgeStatusUpdate");
  if (m.message.case !== "acknowledgeStatusUpdate") return;
  expect(m.message.value.frameworkId?.value).toBe("c0ffee00-0000-4000-8000-000000000000-0001");
  expect(m.message.value.taskId?.value).toBe("fw0-1");
  expect(m.message.value.uuid).toEqual(uuid);
  expectSameAsProtobufEs(frame);
});

test("long ids, non-ASCII ids, empty ids and uuids, other messages", () => {
  for (const frame of [
    acknowledgement("f".repeat(200), "t".repeat(130), new Uint8Array(300).fill(255)),
    acknowledgement("fw", "tâche-✓", new Uint8Array(16)),
    acknowledgement("", "", new Uint8Array(0)),
    toBinary(schema, create(schema, { message: { case: "ping", value: {} } })),
    toBinary(schema, create(schema, { message: { case: "killTask", value: { frameworkId: { value: "f" }, taskId: { value: "t" } } } })),
    // Fields missing, twice, in another order, unknown; the acknowledgement twice (protobuf merges them).
    new Uint8Array([0x2a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0x66]),
    new Uint8Array([0x2a, 0x0e, 0x1a, 0x00, 0x12, 0x03, 0x0a, 0x01, 0x74, 0x0a, 0x03, 0x0a, 0x01, 0x66, 0x1a, 0x00]),
    new Uint8Array([0x2a, 0x0c, 0x1a, 0x00, 0x12, 0x03, 0x0a, 0x01, 0x74, 0x0a, 0x03, 0x0a, 0x01, 0x66]),
    new Uint8Array([0x2a, 0x0e, 0x1a, 0x00, 0x12, 0x03, 0x0a, 0x01, 0x74, 0x0a, 0x03, 0x0a, 0x01, 0x66, 0x20, 0x01]),
    new Uint8Array([0x2a, 0x02, 0x1a, 0x00, 0x2a, 0x0a, 0x12, 0x03, 0x0a, 0x01, 0x74, 0x0a, 0x03, 0x0a, 0x01, 0x66]),
    // Truncated, and a length past the end.
    new Uint8Array([0x2a, 0x0c, 0x1a, 0x00, 0x12, 0x03, 0x0a, 0x01]),
    new Uint8Array([0x2a, 0x0c, 0x1a, 0x7f, 0x12, 0x03, 0x0a, 0x01, 0x74, 0x0a, 0x03, 0x0a, 0x01, 0x66]),
  ]) {
    expectSameAsProtobufEs(frame);
  }
});

test("fuzz: acknowledgements and any bytes decode as protobuf-es decodes them", () => {
  const ascii = fc.string({ maxLength: 40 });
  const text = fc.string({ unit: "binary", maxLength: 10 });
  fc.assert(
    fc.property(fc.oneof(ascii, text), fc.oneof(ascii, text), fc.uint8Array({ maxLength: 40 }), (frameworkId, taskId, uuid) => {
      expectSameAsProtobufEs(acknowledgement(frameworkId, taskId, uuid));
    }),
    { numRuns: 200 },
  );
  // An acknowledgement with bytes changed, cut or added: whatever it is now, read as protobuf-es reads it.
  const base = acknowledgement("c0ffee00-0000-4000-8000-000000000000-0001", "fw0-1", new Uint8Array(16).fill(3));
  fc.assert(
    fc.property(mutateBytes(base), (frame) => expectSameAsProtobufEs(frame)),
    { numRuns: 1000 },
  );
}, 30_000); // the runs take a few seconds on a busy machine

test("a RunTask's framework and task bytes decode to the messages the frame decodes to; a field given twice has none", () => {
  const runTask = create(schema, {
    message: {
      case: "runTask",
      value: {
        frameworkInfo: { id: { value: "f" }, user: "u", name: "fw", capabilities: [{ type: 1 }] },
        task: {
          name: "t",
          taskId: { value: "t" },
          agentId: { value: "a" },
          command: { value: "sleep 5" },
          resources: [{ name: "cpus", type: Value_Type.SCALAR, scalar: { value: 0.1 } }],
        },
      },
    },
  });
  const frame = toBinary(schema, runTask);
  const parts = runTaskBytes(frame);
  const decoded = fromBinary(schema, frame).message;
  if (decoded.case !== "runTask") throw new Error("not a RunTask");
  expect(equals(FrameworkInfoSchema, fromBinary(FrameworkInfoSchema, parts.frameworkInfo!), decoded.value.frameworkInfo!)).toBe(true);
  expect(equals(TaskInfoSchema, fromBinary(TaskInfoSchema, parts.task!), decoded.value.task!)).toBe(true);
  // protobuf merges a field given twice: no single part holds it.
  const inner = toBinary(internal.RunTaskSchema, decoded.value);
  const taskAgain = new BinaryWriter()
    .tag(2, 2)
    .bytes(toBinary(TaskInfoSchema, create(TaskInfoSchema, { name: "more", taskId: { value: "t" }, agentId: { value: "a" } })))
    .finish();
  const twice = new BinaryWriter()
    .tag(3, 2)
    .bytes(new Uint8Array([...inner, ...taskAgain]))
    .finish();
  expect(runTaskBytes(twice).task).toBeUndefined();
  expect(runTaskBytes(twice).frameworkInfo).toEqual(parts.frameworkInfo);
  expect(runTaskBytes(toBinary(schema, create(schema, { message: { case: "ping", value: {} } })))).toEqual({});
});
