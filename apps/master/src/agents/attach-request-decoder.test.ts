/**
 * The hand decoder of AttachRequest against protobuf-es: on generated requests (tasks a launch
 * leaves, and tasks with fields it leaves to protobuf-es) and on mutated bytes, it gives the same
 * message (compared deeply, field presence included, and re-encoded byte for byte) or fails where
 * protobuf-es fails.
 */
import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { fuzzRuns } from "@mesos/core";
import { internal, ResourceSchema, type Task, TaskSchema, TaskState } from "@mesos/proto";
import fc from "fast-check";
import { mutateBytes } from "@mesos/core/fuzz";
import { decodeAttachRequest, requestsDecoded, tasksDecoded } from "./attach-request-decoder.ts";

const RUNS = Math.max(1000, Math.floor(fuzzRuns() / 10));
const TIMEOUT = Math.max(60_000, RUNS * 10);

function decodes(frame: Uint8Array): { ok: internal.AttachRequest } | { error: true } {
  try {
    return { ok: fromBinary(internal.AttachRequestSchema, frame) };
  } catch {
    return { error: true };
  }
}

/** Re-encoded (with protobuf-es's own check of required fields, which a mutated frame may lack). */
function encoded(req: internal.AttachRequest): Uint8Array | string {
  try {
    return toBinary(internal.AttachRequestSchema, req);
  } catch (e) {
    return String(e);
  }
}

function expectSame(frame: Uint8Array): void {
  const expected = decodes(frame);
  if ("error" in expected) {
    expect(() => decodeAttachRequest(frame)).toThrow();
    return;
  }
  const actual = decodeAttachRequest(frame);
  expect(Bun.deepEquals(actual, expected.ok, true)).toBe(true);
  expect(encoded(actual)).toEqual(encoded(expected.ok));
  expectSameShape(actual, expected.ok);
}

/** The same prototypes and own fields all the way down (protobuf-es keeps a set field's presence as an own property). */
function expectSameShape(actual: unknown, expected: unknown): void {
  if (typeof expected !== "object" || expected === null || expected instanceof Uint8Array) return;
  expect(Object.getPrototypeOf(actual)).toBe(Object.getPrototypeOf(expected));
  const keys = Object.keys(expected).sort();
  expect(Object.keys(actual as object).sort()).toEqual(keys);
  for (const k of keys) expectSameShape((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
}

const text = fc.oneof(
  fc.constantFrom("", "*", "cpus", "mem", "ports", "role-a/b", "root"),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
);
const id = fc.oneof(text, fc.constantFrom("9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-S17", "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-0000"));

const resource = fc
  .record(
    {
      name: text,
      type: fc.integer({ min: 0, max: 3 }),
      scalar: fc.record({ value: fc.oneof(fc.double(), fc.constantFrom(0.1, 32, 1e-3)) }),
      ranges: fc.record({
        range: fc.array(fc.record({ begin: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), end: fc.bigInt({ min: 0n, max: 70000n }) }), {
          maxLength: 3,
        }),
      }),
      set: fc.record({ item: fc.array(text, { maxLength: 3 }) }),
      role: text,
      allocationInfo: fc.record({ role: text }, { requiredKeys: [] }),
      reservations: fc.array(
        fc.record(
          {
            type: fc.integer({ min: 0, max: 2 }),
            role: text,
            principal: text,
            labels: fc.record({ labels: fc.array(fc.record({ key: text, value: text }), { maxLength: 2 }) }),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      // Left to protobuf-es.
      providerId: fc.record({ value: text }),
      revocable: fc.constant({}),
    },
    { requiredKeys: ["name", "type"] },
  )
  .map((r) => create(ResourceSchema, r as never));

const task = fc
  .record(
    {
      name: text,
      taskId: fc.record({ value: id }),
      frameworkId: fc.record({ value: id }),
      executorId: fc.record({ value: id }),
      agentId: fc.record({ value: id }),
      state: fc.integer({ min: 0, max: 13 }),
      resources: fc.array(resource, { maxLength: 3 }),
      statusUpdateState: fc.integer({ min: 0, max: 13 }),
      statusUpdateUuid: fc.uint8Array({ maxLength: 16 }),
      user: text,
      // Left to protobuf-es.
      statuses: fc.array(fc.record({ taskId: fc.record({ value: id }), state: fc.integer({ min: 0, max: 13 }) }), { maxLength: 1 }),
      labels: fc.record({ labels: fc.array(fc.record({ key: text }), { maxLength: 1 }) }),
    },
    { requiredKeys: ["name", "taskId", "frameworkId", "agentId", "state"] },
  )
  .map((t) => create(TaskSchema, t as never));

/** A task as a launch leaves it (ASCII text, none of the fields left to protobuf-es): the hand path. */
const ascii = fc.oneof(
  fc.constantFrom("", "*", "cpus", "mem", "root"),
  fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 12 }),
);
const plainResource = fc
  .record(
    {
      name: ascii,
      type: fc.integer({ min: 0, max: 3 }),
      scalar: fc.record({ value: fc.double() }),
      role: ascii,
      allocationInfo: fc.record({ role: ascii }),
    },
    { requiredKeys: ["name", "type"] },
  )
  .map((r) => create(ResourceSchema, r as never));
const plainTask = fc
  .record({
    name: ascii,
    taskId: fc.record({ value: ascii }),
    frameworkId: fc.record({ value: ascii }),
    agentId: fc.record({ value: ascii }),
    state: fc.integer({ min: 0, max: 13 }),
    resources: fc.array(plainResource, { maxLength: 3 }),
    user: ascii,
  })
  .map((t) => create(TaskSchema, t as never));

/** An agent's info as agents send it (hostname, port, resources, id), or with what is left to protobuf-es (attributes, a domain). */
const agentInfo = fc.record(
  {
    hostname: fc.oneof(ascii, text),
    port: fc.oneof(fc.constantFrom(5051, 0, 2 ** 31 - 1), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    resources: fc.array(fc.oneof(plainResource, resource), { maxLength: 3 }),
    id: fc.record({ value: fc.oneof(ascii, id) }),
    attributes: fc.array(fc.record({ name: text, type: fc.constant(0), scalar: fc.record({ value: fc.double() }) }), { maxLength: 1 }),
    domain: fc.constant({ faultDomain: { region: { name: "r" }, zone: { name: "z" } } }),
  },
  { requiredKeys: ["hostname"] },
);

const request = fc.record({
  agentInfo,
  endpoint: fc.oneof(ascii, text),
  version: fc.oneof(ascii, text),
  capabilities: fc.array(fc.record({ type: fc.integer({ min: 0, max: 6 }) }, { requiredKeys: [] }), { maxLength: 3 }),
  checkpointedResources: fc.array(fc.oneof(plainResource, resource), { maxLength: 2 }),
  frameworks: fc.array(fc.record({ id: fc.record({ value: id }), user: text, name: text }), { maxLength: 2 }),
  tasks: fc.array(fc.oneof(plainTask, task), { maxLength: 4 }),
});
const requests = request.map((r) => toBinary(internal.AttachRequestSchema, create(internal.AttachRequestSchema, r as never)));

test("a report of tasks as a launch leaves them decodes as protobuf-es decodes it, byte for byte", () => {
  const launched = (k: number): Task =>
    create(TaskSchema, {
      name: `task-${k}`,
      taskId: { value: `fw0-task-${k}` },
      frameworkId: { value: "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-0000" },
      agentId: { value: "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-S17" },
      state: TaskState.TASK_RUNNING,
      resources: [
        create(ResourceSchema, { name: "cpus", type: 0, scalar: { value: 0.1 }, allocationInfo: { role: "*" } }),
        create(ResourceSchema, {
          name: "ports",
          type: 1,
          ranges: { range: [{ begin: 31000n, end: 31001n }] },
          role: "web",
          reservations: [{ type: 1, role: "web" }],
        }),
      ],
      user: "root",
    });
  const frame = toBinary(
    internal.AttachRequestSchema,
    create(internal.AttachRequestSchema, { agentInfo: { hostname: "h" }, endpoint: "http://h:5051", tasks: [launched(0), launched(1)] }),
  );
  const byHand = tasksDecoded.byHand;
  expectSame(frame);
  expect(tasksDecoded.byHand).toBe(byHand + 2);
  // Its strings are the ones seen before (the recent-text cache), and still right after a change.
  expectSame(frame);
  const changed = toBinary(
    internal.AttachRequestSchema,
    create(internal.AttachRequestSchema, { agentInfo: { hostname: "h" }, endpoint: "http://h:5051", tasks: [{ ...launched(0), user: "rooT" }] }),
  );
  expectSame(changed);
});

test(
  "frameworks the master knows are left out, the others decoded as protobuf-es decodes them",
  () => {
    const known = new Set(["9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-0000", "*", ""]);
    let left = 0;
    fc.assert(
      fc.property(requests, (frame) => {
        const expected = decodes(frame);
        if ("error" in expected) return;
        const all = expected.ok.frameworks.length;
        expected.ok.frameworks = expected.ok.frameworks.filter((f) => !(f.id && known.has(f.id.value)));
        left += all - expected.ok.frameworks.length;
        const actual = decodeAttachRequest(frame, (id) => known.has(id));
        expect(Bun.deepEquals(actual, expected.ok, true)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(left).toBeGreaterThan(RUNS / 10);
  },
  TIMEOUT,
);

test("a tag over 32 bits that would read as the tasks' field fails as protobuf-es fails", () => {
  const task = toBinary(
    TaskSchema,
    create(TaskSchema, { name: "t", taskId: { value: "t" }, frameworkId: { value: "f" }, agentId: { value: "a" }, state: TaskState.TASK_RUNNING }),
  );
  // 2^32 + (7 << 3 | 2): the low 32 bits are field 7, length-delimited.
  const tag = [0xba, 0x80, 0x80, 0x80, 0x10];
  const frame = Uint8Array.from([...tag, task.length, ...task]);
  expect(() => fromBinary(internal.AttachRequestSchema, frame)).toThrow();
  expectSame(frame);
});

test(
  "generated reports decode as protobuf-es decodes them",
  () => {
    const before = { ...tasksDecoded };
    const requestsBefore = { ...requestsDecoded };
    fc.assert(
      fc.property(requests, (frame) => expectSame(frame)),
      { numRuns: RUNS },
    );
    // Both ways were taken, for tasks and for the requests.
    expect(tasksDecoded.byHand - before.byHand).toBeGreaterThan(RUNS / 10);
    expect(tasksDecoded.byProtobufEs - before.byProtobufEs).toBeGreaterThan(RUNS / 10);
    expect(requestsDecoded.byHand - requestsBefore.byHand).toBeGreaterThan(RUNS / 10);
    expect(requestsDecoded.split - requestsBefore.split).toBeGreaterThan(RUNS / 10);
  },
  TIMEOUT,
);

test(
  "mutated reports decode as protobuf-es decodes them, or fail as it fails",
  () => {
    const mutated = requests.chain(mutateBytes);
    fc.assert(
      fc.property(mutated, (frame) => expectSame(frame)),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);
