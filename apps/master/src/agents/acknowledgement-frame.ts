/**
 * The MasterMessage that hands a framework's acknowledgement of a status update to the agent,
 * written field by field: the master sends one for every update of every task, and protobuf-es's
 * reflective encoder (with the message built for it first) cost several times what these three
 * fields take to write.
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { FrameworkIDSchema, internal, TaskIDSchema } from "@mesos/proto";

const MESSAGE = internal.MasterMessageSchema.field.acknowledgeStatusUpdate!.number;
const FIELD = {
  frameworkId: internal.AcknowledgeStatusUpdateSchema.field.frameworkId!.number,
  taskId: internal.AcknowledgeStatusUpdateSchema.field.taskId!.number,
  uuid: internal.AcknowledgeStatusUpdateSchema.field.uuid!.number,
};
const FRAMEWORK_ID_VALUE = FrameworkIDSchema.field.value!.number;
const TASK_ID_VALUE = TaskIDSchema.field.value!.number;

/** `MasterMessage { acknowledge_status_update { framework_id, task_id, uuid } }`, encoded. */
export function acknowledgementFrame(frameworkId: string, taskId: string, uuid: Uint8Array): Uint8Array {
  const w = new BinaryWriter();
  w.tag(MESSAGE, WireType.LengthDelimited).fork();
  w.tag(FIELD.frameworkId, WireType.LengthDelimited).fork().tag(FRAMEWORK_ID_VALUE, WireType.LengthDelimited).string(frameworkId).join();
  w.tag(FIELD.taskId, WireType.LengthDelimited).fork().tag(TASK_ID_VALUE, WireType.LengthDelimited).string(taskId).join();
  w.tag(FIELD.uuid, WireType.LengthDelimited).bytes(uuid);
  return w.join().finish();
}
