import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { internal } from "@mesos/proto";
import { acknowledgementFrame } from "./acknowledgement-frame.ts";

test("the frame is the MasterMessage protobuf-es writes, and reads back as it", () => {
  const uuid = crypto.getRandomValues(new Uint8Array(16));
  for (const [frameworkId, taskId] of [
    ["f1", "t1"],
    ["4a1f-é-framework", `task-${"x".repeat(300)}`],
  ]) {
    const message = create(internal.MasterMessageSchema, {
      message: { case: "acknowledgeStatusUpdate", value: { frameworkId: { value: frameworkId }, taskId: { value: taskId }, uuid } },
    });
    const frame = acknowledgementFrame(frameworkId!, taskId!, uuid);
    expect(frame).toEqual(toBinary(internal.MasterMessageSchema, message));
    expect(fromBinary(internal.MasterMessageSchema, frame)).toEqual(message);
  }
});
