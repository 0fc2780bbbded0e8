/** The hand-written ACKNOWLEDGE call is byte for byte what protobuf-es writes. */
import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { scheduler } from "@mesos/proto";
import { acknowledgeCall } from "./acknowledge-call.ts";

const cases = [
  { frameworkId: "c0ffee00-0000-4000-8000-000000000000-0001", agentId: "agent-1-S0", taskId: "fw0-1", uuid: new Uint8Array(16).fill(7) },
  // Long ids (lengths past one varint byte), non-ASCII text, an empty uuid.
  { frameworkId: "f".repeat(200), agentId: "a".repeat(130), taskId: "tâche-✓-".repeat(20), uuid: new Uint8Array(0) },
  { frameworkId: "", agentId: "", taskId: "", uuid: new Uint8Array(300).fill(255) },
];

test.each(cases)("ACKNOWLEDGE of $taskId as protobuf-es encodes it", ({ frameworkId, agentId, taskId, uuid }) => {
  const expected = toBinary(
    scheduler.CallSchema,
    create(scheduler.CallSchema, {
      frameworkId: { value: frameworkId },
      type: scheduler.Call_Type.ACKNOWLEDGE,
      acknowledge: { agentId: { value: agentId }, taskId: { value: taskId }, uuid },
    }),
  );
  expect(acknowledgeCall(new TextEncoder().encode(frameworkId), agentId, taskId, uuid)).toEqual(expected);
});
