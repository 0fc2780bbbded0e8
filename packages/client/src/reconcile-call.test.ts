/** The hand-written RECONCILE call is byte for byte what protobuf-es writes. */
import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { scheduler } from "@mesos/proto";
import { reconcileCall } from "./reconcile-call.ts";

const cases: { name: string; frameworkId: string; tasks: { taskId: string; agentId?: string }[] }[] = [
  { name: "implicit (no tasks)", frameworkId: "c0ffee00-0000-4000-8000-000000000000-0001", tasks: [] },
  {
    name: "tasks with and without agents",
    frameworkId: "c0ffee00-0000-4000-8000-000000000000-0001",
    tasks: [{ taskId: "fw0-1", agentId: "agent-1-S0" }, { taskId: "fw0-2" }, { taskId: "fw0-3", agentId: "" }],
  },
  // Long ids and bodies (lengths past one and two varint bytes), non-ASCII text, empty ids.
  {
    name: "long and non-ASCII ids",
    frameworkId: "f".repeat(200),
    tasks: Array.from({ length: 300 }, (_, i) => ({ taskId: `tâche-✓-${i}-${"t".repeat(i % 140)}`, agentId: i % 3 ? "a".repeat(130) : undefined })),
  },
  { name: "empty ids", frameworkId: "", tasks: [{ taskId: "" }, { taskId: "", agentId: "a" }] },
];

test.each(cases)("RECONCILE, $name, as protobuf-es encodes it", ({ frameworkId, tasks }) => {
  const expected = toBinary(
    scheduler.CallSchema,
    create(scheduler.CallSchema, {
      frameworkId: { value: frameworkId },
      type: scheduler.Call_Type.RECONCILE,
      reconcile: { tasks: tasks.map((t) => ({ taskId: { value: t.taskId }, agentId: t.agentId ? { value: t.agentId } : undefined })) },
    }),
  );
  expect(reconcileCall(new TextEncoder().encode(frameworkId), tasks)).toEqual(expected);
});
