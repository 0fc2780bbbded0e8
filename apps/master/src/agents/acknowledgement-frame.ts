/**
 * The MasterMessage that hands a framework's acknowledgement of a status update to the agent,
 * written byte by byte: the master sends one for every update of every task, and protobuf-es's
 * reflective encoder (with the message built for it first) cost several times what these three
 * fields take to write; its BinaryWriter (forks, joins, a copy at the end) still cost about 4 µs.
 */
import { WireType } from "@bufbuild/protobuf/wire";
import { FrameworkIDSchema, internal, TaskIDSchema } from "@mesos/proto";
import { varintSize, writeVarint } from "@mesos/rpc";

const tag = (field: number) => (field << 3) | WireType.LengthDelimited;
const MESSAGE = tag(internal.MasterMessageSchema.field.acknowledgeStatusUpdate!.number);
const FRAMEWORK_ID = tag(internal.AcknowledgeStatusUpdateSchema.field.frameworkId!.number);
const TASK_ID = tag(internal.AcknowledgeStatusUpdateSchema.field.taskId!.number);
const UUID = tag(internal.AcknowledgeStatusUpdateSchema.field.uuid!.number);
const FRAMEWORK_ID_VALUE = tag(FrameworkIDSchema.field.value!.number);
const TASK_ID_VALUE = tag(TaskIDSchema.field.value!.number);

const encoder = new TextEncoder();
/** Framework ids as UTF-8: a handful of frameworks acknowledge thousands of updates a second. */
const encodedFrameworkIds = new Map<string, Uint8Array>();
const MAX_KEPT_FRAMEWORK_IDS = 1024;

function encodedFrameworkId(frameworkId: string): Uint8Array {
  let bytes = encodedFrameworkIds.get(frameworkId);
  if (!bytes) {
    if (encodedFrameworkIds.size >= MAX_KEPT_FRAMEWORK_IDS) encodedFrameworkIds.clear();
    encodedFrameworkIds.set(frameworkId, (bytes = encoder.encode(frameworkId)));
  }
  return bytes;
}

/** Size of a length-delimited field holding `length` bytes. */
const fieldSize = (tagValue: number, length: number) => varintSize(tagValue) + varintSize(length) + length;

function writeField(out: Uint8Array, at: number, tagValue: number, length: number): number {
  return writeVarint(out, writeVarint(out, at, tagValue), length);
}

/** `MasterMessage { acknowledge_status_update { framework_id, task_id, uuid } }`, encoded. */
export function acknowledgementFrame(frameworkId: string, taskId: string, uuid: Uint8Array): Uint8Array {
  const framework = encodedFrameworkId(frameworkId);
  const task = encoder.encode(taskId);
  const frameworkMessage = fieldSize(FRAMEWORK_ID_VALUE, framework.length);
  const taskMessage = fieldSize(TASK_ID_VALUE, task.length);
  const body = fieldSize(FRAMEWORK_ID, frameworkMessage) + fieldSize(TASK_ID, taskMessage) + fieldSize(UUID, uuid.length);
  const out = new Uint8Array(fieldSize(MESSAGE, body));
  let at = writeField(out, 0, MESSAGE, body);
  at = writeField(out, at, FRAMEWORK_ID, frameworkMessage);
  at = writeField(out, at, FRAMEWORK_ID_VALUE, framework.length);
  out.set(framework, at);
  at = writeField(out, at + framework.length, TASK_ID, taskMessage);
  at = writeField(out, at, TASK_ID_VALUE, task.length);
  out.set(task, at);
  at = writeField(out, at + task.length, UUID, uuid.length);
  out.set(uuid, at);
  return out;
}
