import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FrameworkInfoSchema, internal, TaskInfoSchema } from "@mesos/proto";
import { runTaskFrame } from "./run-task-frame.ts";

test("the frame is the RunTask protobuf-es writes, its FrameworkInfo encoded once per info object", () => {
  const info = create(FrameworkInfoSchema, { user: "u", name: "fw", id: { value: "f1" }, roles: ["a", "b"], failoverTimeout: 10 });
  for (const n of [1, 2]) {
    const task = create(TaskInfoSchema, { name: `t${n}`, taskId: { value: `t${n}` }, agentId: { value: "a1" }, command: { value: "sleep 1" } });
    const message = create(internal.MasterMessageSchema, { message: { case: "runTask", value: { frameworkInfo: info, task } } });
    const frame = runTaskFrame(info, task);
    expect(frame).toEqual(toBinary(internal.MasterMessageSchema, message));
    expect(fromBinary(internal.MasterMessageSchema, frame)).toEqual(message);
  }
  // A framework's new info (UPDATE_FRAMEWORK replaces the object) is encoded anew.
  const updated = create(FrameworkInfoSchema, { ...info, name: "renamed" });
  const task = create(TaskInfoSchema, { name: "t", taskId: { value: "t" }, agentId: { value: "a1" } });
  const runTask = fromBinary(internal.MasterMessageSchema, runTaskFrame(updated, task)).message.value as internal.RunTask;
  expect(runTask.frameworkInfo!.name).toBe("renamed");
});
