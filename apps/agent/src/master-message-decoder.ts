/**
 * The master's frames as MasterMessages. An acknowledgement of a status update (three a task:
 * `MasterMessage { acknowledge_status_update { framework_id, task_id, uuid } }`) is read by hand:
 * protobuf-es's reflective decoding takes 1.3 µs in a warm loop of its own and more among the
 * agent's other work (a tenth of a hollow agent's CPU went to decoding the master's frames), this 0.5.
 * Only that exact shape is (each field once, in any order, each id just its non-empty ASCII
 * value, nothing else); any other frame goes to protobuf-es, so the message is the same either way.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { internal } from "@mesos/proto";
import { readVarint, singleField } from "@mesos/rpc";

// Tags (field number * 8 + wire type 2, length-delimited), each one byte.
const tag = (field: { number: number }) => field.number * 8 + 2;
const ACKNOWLEDGE = tag(internal.MasterMessageSchema.field.acknowledgeStatusUpdate!);
const ACK = internal.AcknowledgeStatusUpdateSchema.field;
const FRAMEWORK_ID = tag(ACK.frameworkId!);
const TASK_ID = tag(ACK.taskId!);
const UUID = tag(ACK.uuid!);
/** `value = 1` of FrameworkID and TaskID. */
const ID_VALUE = tag({ number: 1 });
const decoder = new TextDecoder();

export function decodeMasterMessage(frame: Uint8Array): internal.MasterMessage {
  return readAcknowledgement(frame) ?? fromBinary(internal.MasterMessageSchema, frame);
}

/** The length-delimited field whose length is at `at`, or undefined past the end. */
function delimited(bytes: Uint8Array, at: number): Uint8Array | undefined {
  const length = readVarint(bytes, at);
  if (!length || length[1] + length[0] > bytes.length) return undefined;
  return bytes.subarray(length[1], length[1] + length[0]);
}

/** Where the field after `field` (a subarray of `bytes`) starts. */
const after = (bytes: Uint8Array, field: Uint8Array) => field.byteOffset - bytes.byteOffset + field.length;

/** An id message that is just a non-empty ASCII `value`, or undefined. */
function idValue(message: Uint8Array | undefined): string | undefined {
  if (!message || message[0] !== ID_VALUE) return undefined;
  const value = delimited(message, 1);
  if (!value || value.length === 0 || after(message, value) !== message.length) return undefined;
  for (let i = 0; i < value.length; i++) if (value[i]! >= 0x80) return undefined;
  return decoder.decode(value);
}

/** The frame as a MasterMessage if it is a plain acknowledgement (above), or undefined. */
function readAcknowledgement(frame: Uint8Array): internal.MasterMessage | undefined {
  if (frame[0] !== ACKNOWLEDGE) return undefined;
  const body = delimited(frame, 1);
  if (!body || after(frame, body) !== frame.length) return undefined;
  let framework: Uint8Array | undefined;
  let task: Uint8Array | undefined;
  let uuid: Uint8Array | undefined;
  for (let at = 0; at < body.length; ) {
    const key = body[at++];
    const field = delimited(body, at);
    if (!field) return undefined;
    if (key === FRAMEWORK_ID && !framework) framework = field;
    else if (key === TASK_ID && !task) task = field;
    else if (key === UUID && !uuid) uuid = field;
    else return undefined;
    at = after(body, field);
  }
  const frameworkId = idValue(framework);
  const taskId = idValue(task);
  if (frameworkId === undefined || taskId === undefined || uuid === undefined) return undefined;
  // Plain objects of the messages' shapes: protobuf-es's `create` of the three cost more than reading them.
  return {
    $typeName: "mesos.v1.internal.MasterMessage",
    message: {
      case: "acknowledgeStatusUpdate",
      value: {
        $typeName: "mesos.v1.internal.AcknowledgeStatusUpdate",
        frameworkId: { $typeName: "mesos.v1.FrameworkID", value: frameworkId },
        taskId: { $typeName: "mesos.v1.TaskID", value: taskId },
        uuid,
      },
    },
  };
}

const RUN_TASK = internal.MasterMessageSchema.field.runTask!.number;
const RUN_TASK_FIELD = internal.RunTaskSchema.field;

/** A RunTask's FrameworkInfo and TaskInfo as the frame holds them (where each is there once): their checkpoints store these bytes rather than encode the decoded messages again. */
export interface RunTaskBytes {
  frameworkInfo?: Uint8Array;
  task?: Uint8Array;
}

export function runTaskBytes(frame: Uint8Array): RunTaskBytes {
  const runTask = singleField(frame, RUN_TASK);
  if (!runTask) return {};
  return { frameworkInfo: singleField(runTask, RUN_TASK_FIELD.frameworkInfo!.number), task: singleField(runTask, RUN_TASK_FIELD.task!.number) };
}
