/**
 * The master's frames as MasterMessages. An acknowledgement of a status update (three a task:
 * `MasterMessage { acknowledge_status_update { framework_id, task_id, uuid } }`) is read by hand:
 * protobuf-es's reflective decoding takes 1.3 µs in a warm loop of its own and more among the
 * agent's other work (a tenth of a hollow agent's CPU went to decoding the master's frames), this 0.5.
 * Only that exact shape is (each field once, in any order, each id just its non-empty ASCII
 * value, nothing else); so is the Registered answering an attach (registered-decoder.ts). Any
 * other frame goes to protobuf-es, so the message is the same either way.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { internal } from "@mesos/proto";
import { after, delimited, idValue, singleField, tag } from "@mesos/rpc";
import { readRegistered } from "./registered-decoder.ts";

const ACKNOWLEDGE = tag(internal.MasterMessageSchema.field.acknowledgeStatusUpdate!, 2);
const ACK = internal.AcknowledgeStatusUpdateSchema.field;
const FRAMEWORK_ID = tag(ACK.frameworkId!, 2);
const TASK_ID = tag(ACK.taskId!, 2);
const UUID = tag(ACK.uuid!, 2);

export function decodeMasterMessage(frame: Uint8Array): internal.MasterMessage {
  return readAcknowledgement(frame) ?? readRegistered(frame) ?? fromBinary(internal.MasterMessageSchema, frame);
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
