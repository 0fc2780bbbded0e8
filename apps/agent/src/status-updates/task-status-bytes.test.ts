/** The agent's statuses written by hand are byte for byte what protobuf-es writes; others are left to it. */
import { expect, test } from "bun:test";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { TaskState, TaskStatus_Reason, TaskStatus_Source, TaskStatusSchema } from "@mesos/proto";
import fc from "fast-check";
import { encodeTaskStatus } from "./task-status-bytes.ts";

type Init = MessageInitShape<typeof TaskStatusSchema>;

// As reportStatus builds them: a command task's, a nested container's, a failure with its message, labels and reason.
const agentStatuses: Init[] = [
  {
    taskId: { value: "fw0-1" },
    state: TaskState.TASK_RUNNING,
    source: TaskStatus_Source.EXECUTOR,
    agentId: { value: "c0ffee00-0000-4000-8000-000000000000-S0" },
    executorId: { value: "fw0-1" },
    timestamp: 1_764_790_000.123456,
    uuid: new Uint8Array(16).fill(9),
    containerStatus: { containerId: { value: "2f1b6c1e-5a0e-4f7a-9d55-0e9c3b1d2a77" } },
  },
  {
    taskId: { value: "g1" },
    state: TaskState.TASK_FAILED,
    message: "Command exited with status 3 — ✗",
    source: TaskStatus_Source.AGENT,
    reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
    agentId: { value: "a" },
    executorId: { value: "exec" },
    timestamp: 0,
    uuid: new Uint8Array(16),
    containerStatus: { containerId: { value: "child", parent: { value: "parent", parent: { value: "root" } } } },
    labels: {
      labels: [
        { key: "exit_status", value: "3" },
        { key: "termination_signal", value: "" },
      ],
    },
  },
  // Long fields (lengths past one varint byte), an empty container status; only the required fields.
  { taskId: { value: "t".repeat(300) }, message: "m".repeat(20_000), state: TaskState.TASK_KILLED, containerStatus: {}, labels: { labels: [] } },
  { taskId: { value: "" }, state: TaskState.TASK_STAGING },
];

test.each(agentStatuses.map((init, i) => [i, init] as const))("status %d as protobuf-es encodes it", (_, init) => {
  const status = create(TaskStatusSchema, init);
  expect(encodeTaskStatus(status)).toEqual(toBinary(TaskStatusSchema, status));
});

test("a status with fields the agent does not set is left to protobuf-es", () => {
  const base = agentStatuses[0]!;
  for (const extra of [
    { data: new Uint8Array([1]) },
    { healthy: false },
    { limitation: { resources: [] } },
    { checkStatus: {} },
    { unreachableTime: { nanoseconds: 1n } },
    { containerStatus: { containerId: { value: "c" }, executorPid: 1 } },
    { containerStatus: { networkInfos: [{}] } },
  ] as Init[]) {
    expect(encodeTaskStatus(create(TaskStatusSchema, { ...base, ...extra } as Init))).toBeUndefined();
  }
});

test("any mix of the fields it writes: the same bytes as protobuf-es", () => {
  const id = fc.record({ value: fc.string({ unit: "binary" }) });
  const containerId = fc.letrec((tie) => ({
    id: fc.record({ value: fc.string(), parent: fc.option(tie("id"), { depthSize: "small", nil: undefined }) }, { requiredKeys: ["value"] }),
  })).id;
  fc.assert(
    fc.property(
      fc.record(
        {
          taskId: id,
          state: fc.integer({ min: 0, max: 20 }),
          message: fc.string({ unit: "binary" }),
          agentId: id,
          timestamp: fc.double({ noNaN: true }),
          executorId: id,
          source: fc.integer({ min: 0, max: 3 }),
          reason: fc.integer({ min: 0, max: 40 }),
          uuid: fc.uint8Array({ maxLength: 40 }),
          labels: fc.record({ labels: fc.array(fc.record({ key: fc.string(), value: fc.string() }, { requiredKeys: ["key"] }), { maxLength: 3 }) }),
          containerStatus: fc.record({ containerId }, { requiredKeys: [] }),
        },
        { requiredKeys: ["taskId", "state"] },
      ),
      (init) => {
        const status = create(TaskStatusSchema, init as Init);
        expect(encodeTaskStatus(status)).toEqual(toBinary(TaskStatusSchema, status));
      },
    ),
    { numRuns: 500 },
  );
});
