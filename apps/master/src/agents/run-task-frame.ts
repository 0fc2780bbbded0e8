/**
 * The MasterMessage that launches a task on an agent, written around its framework's FrameworkInfo
 * encoded once: every RunTask carries the FrameworkInfo, and encoding it again for every task of
 * every ACCEPT was about half of what the frame cost to write.
 */
import { toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { type FrameworkInfo, FrameworkInfoSchema, internal, type TaskInfo, TaskInfoSchema } from "@mesos/proto";

const RUN_TASK = internal.MasterMessageSchema.field.runTask!.number;
const FIELD = {
  frameworkInfo: internal.RunTaskSchema.field.frameworkInfo!.number,
  task: internal.RunTaskSchema.field.task!.number,
};

/** FrameworkInfos as encoded, by the object (a framework's info is replaced, never changed, when it updates). */
const encodedInfos = new WeakMap<FrameworkInfo, Uint8Array>();

function encodedInfo(info: FrameworkInfo): Uint8Array {
  let bytes = encodedInfos.get(info);
  if (!bytes) encodedInfos.set(info, (bytes = toBinary(FrameworkInfoSchema, info)));
  return bytes;
}

/** `MasterMessage { run_task { framework_info, task } }`, encoded. */
export function runTaskFrame(frameworkInfo: FrameworkInfo, task: TaskInfo): Uint8Array {
  const w = new BinaryWriter();
  w.tag(RUN_TASK, WireType.LengthDelimited).fork();
  w.tag(FIELD.frameworkInfo, WireType.LengthDelimited).bytes(encodedInfo(frameworkInfo));
  w.tag(FIELD.task, WireType.LengthDelimited).bytes(toBinary(TaskInfoSchema, task));
  return w.join().finish();
}
