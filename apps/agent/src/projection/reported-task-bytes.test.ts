/** A reported task written by hand is byte for byte what protobuf-es writes for report.ts's reportedTask. */
import { expect, test } from "bun:test";
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { AgentIDSchema, FrameworkInfoSchema, type TaskInfo, TaskInfoSchema, TaskSchema, TaskState, Value_Type } from "@mesos/proto";
import fc from "fast-check";
import type { AgentContext, LiveTask } from "../context.ts";
import { reportedTask } from "./report.ts";
import { encodeReportedTask } from "./reported-task-bytes.ts";

type Init = MessageInitShape<typeof TaskInfoSchema>;

const scalar = (name: string, value: number, role?: string) => ({
  name,
  type: Value_Type.SCALAR,
  scalar: { value },
  ...(role === undefined ? {} : { allocationInfo: { role } }),
});

// As a launch leaves them (plain scalars with their allocation role), and with the parts protobuf-es writes.
const infos: Init[] = [
  {
    name: "fw0-1",
    taskId: { value: "fw0-1" },
    agentId: { value: "S0" },
    resources: [scalar("cpus", 0.1, "*"), scalar("mem", 32, "*")],
    command: { value: "sleep 1" },
  },
  { name: "", taskId: { value: "" }, agentId: { value: "S0" }, resources: [] },
  {
    name: "ünïcode ✗".repeat(40),
    taskId: { value: "t".repeat(300) },
    agentId: { value: "S1" },
    resources: [
      scalar("cpus", 1e-3),
      { name: "ports", type: Value_Type.RANGES, ranges: { range: [{ begin: 31000n, end: 31005n }] }, allocationInfo: { role: "web" } },
      { ...scalar("mem", 64, "a/b"), reservations: [{ type: 2, role: "a", principal: "p" }] },
      { ...scalar("disk", 100, "*"), disk: { persistence: { id: "v" }, volume: { containerPath: "data", mode: 1 } } },
      { name: "gpus", type: Value_Type.SCALAR, scalar: {} },
      { name: "cpus", type: Value_Type.SCALAR, scalar: { value: 2 }, allocationInfo: {} },
      { ...scalar("cpus", 0.5, "*"), revocable: {} },
      { ...scalar("cpus", 0.5), role: "old" },
    ],
    labels: { labels: [{ key: "k", value: "v" }] },
    discovery: { visibility: 0, name: "svc" },
    container: { type: 1, docker: { image: "busybox" } },
    command: { value: "true", user: "nobody" },
  },
  { name: "x", taskId: { value: "y" }, agentId: { value: "S2" }, resources: [{ name: "cpus", type: Value_Type.SCALAR }], labels: { labels: [] } },
];

/** As built, and decoded from its bytes as the agent holds a launched task's info (presence as the wire says) if it encodes. */
function both(init: Init): TaskInfo[] {
  const built = create(TaskInfoSchema, init);
  try {
    return [built, fromBinary(TaskInfoSchema, toBinary(TaskInfoSchema, built))];
  } catch {
    return [built];
  }
}

function compare(info: TaskInfo, o: { executorId?: string; agentId?: string; state: TaskState; frameworkUser: string }): void {
  const live = { frameworkId: "fw-1", info, state: o.state, executorId: o.executorId } as LiveTask;
  const agentInfo = { id: o.agentId === undefined ? undefined : create(AgentIDSchema, { value: o.agentId }) };
  const ctx = {
    info: agentInfo,
    frameworks: new Map([["fw-1", create(FrameworkInfoSchema, { user: o.frameworkUser, name: "f" })]]),
  } as unknown as AgentContext;
  const user = info.command?.user || o.frameworkUser;
  const encode = () => encodeReportedTask(info, { frameworkId: "fw-1", executorId: o.executorId, agentId: agentInfo.id, state: o.state, user });
  let expected: Uint8Array;
  try {
    expected = toBinary(TaskSchema, reportedTask(ctx, live, []));
  } catch {
    // A required field missing: protobuf-es refuses it, and so must the caller (this leaves it to protobuf-es or refuses too).
    let actual: Uint8Array | undefined;
    try {
      actual = encode();
    } catch {
      return;
    }
    expect(actual).toBeUndefined();
    return;
  }
  expect(encode()).toEqual(expected);
}

test.each(infos.map((init, i) => [i, init] as const))("task %d as protobuf-es encodes it", (_, init) => {
  for (const info of both(init)) {
    compare(info, { state: TaskState.TASK_RUNNING, agentId: "c0ffee-S0", frameworkUser: "root" });
    compare(info, { state: TaskState.TASK_STARTING, executorId: "group-executor", agentId: "", frameworkUser: "" });
    compare(info, { state: TaskState.TASK_KILLING, frameworkUser: "root" });
  }
});

test("random tasks as protobuf-es encodes them", () => {
  const text = fc.string({ unit: "grapheme", maxLength: 200 });
  const resource = fc.record(
    {
      name: text,
      type: fc.constantFrom(Value_Type.SCALAR, Value_Type.RANGES, Value_Type.SET),
      scalar: fc.record({ value: fc.double({ noNaN: true }) }, { requiredKeys: [] }),
      allocationInfo: fc.record({ role: text }, { requiredKeys: [] }),
      role: text,
      shared: fc.constant({}),
    },
    { requiredKeys: [] },
  );
  const info = fc.record(
    {
      name: text,
      taskId: fc.record({ value: text }, { requiredKeys: [] }),
      agentId: fc.record({ value: text }),
      resources: fc.array(resource, { maxLength: 5 }),
      labels: fc.record({ labels: fc.array(fc.record({ key: text, value: text }, { requiredKeys: [] }), { maxLength: 3 }) }),
      command: fc.record({ value: text, user: text }, { requiredKeys: ["value"] }),
    },
    { requiredKeys: ["agentId", "resources"] },
  );
  fc.assert(
    fc.property(
      info,
      fc.option(text, { nil: undefined }),
      fc.option(text, { nil: undefined }),
      fc.integer({ min: 0, max: 13 }),
      text,
      (init, executorId, agentId, state, user) => {
        for (const info of both(init as Init)) compare(info, { executorId, agentId, state, frameworkUser: user });
      },
    ),
    { numRuns: 500 },
  );
});
