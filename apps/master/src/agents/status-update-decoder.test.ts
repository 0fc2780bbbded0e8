/**
 * The hand decoder of agents' status updates against protobuf-es: on generated messages (updates
 * as agents make them, updates with fields it leaves to protobuf-es, other messages) and on
 * mutated bytes, it gives the same message (compared deeply, field presence and prototypes
 * included) or fails where protobuf-es fails; what it reads by hand has every required field.
 */
import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { fuzzRuns, newUuidBytes } from "@mesos/core";
import { internal, TaskState, TaskStatus_Reason, TaskStatus_Source } from "@mesos/proto";
import { missingRequiredFields } from "@mesos/rpc";
import fc from "fast-check";
import { mutateBytes } from "@mesos/core/fuzz";
import { agentMessagesDecoded, decodeAgentMessage } from "./status-update-decoder.ts";

const RUNS = Math.max(1000, Math.floor(fuzzRuns() / 10));
const TIMEOUT = Math.max(60_000, RUNS * 10);

function decodes(frame: Uint8Array): { ok: internal.AgentMessage } | { error: true } {
  try {
    return { ok: fromBinary(internal.AgentMessageSchema, frame) };
  } catch {
    return { error: true };
  }
}

/** Same keys, same prototypes, all the way down. */
function sameShape(a: unknown, b: unknown, path = "message"): void {
  if (typeof a !== "object" || a === null || a instanceof Uint8Array) return;
  if (Array.isArray(a)) {
    a.forEach((item, i) => sameShape(item, (b as unknown[])[i], `${path}[${i}]`));
    return;
  }
  expect(`${path}: ${Object.keys(a).sort().join(",")}`).toBe(
    `${path}: ${Object.keys(b as object)
      .sort()
      .join(",")}`,
  );
  expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
  for (const [k, v] of Object.entries(a)) sameShape(v, (b as Record<string, unknown>)[k], `${path}.${k}`);
}

function expectSame(frame: Uint8Array): void {
  const expected = decodes(frame);
  if ("error" in expected) {
    expect(() => decodeAgentMessage(frame)).toThrow();
    return;
  }
  const actual = decodeAgentMessage(frame);
  expect(Bun.deepEquals(actual.message, expected.ok, true)).toBe(true);
  sameShape(actual.message, expected.ok);
  if (actual.requiredChecked) expect(missingRequiredFields(internal.AgentMessageSchema, actual.message)).toEqual([]);
}

const text = fc.oneof(
  { arbitrary: fc.constantFrom("", "*", "task-1", "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-S17", "exit_status", "0"), weight: 6 },
  { arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 12 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 6 }), weight: 1 },
);
/** Set now and then: fields (and values) the hand reader leaves to protobuf-es. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: arb, weight: 1 });
// Required fields are always set (toBinary insists); frames without them are made by hand below.
const id = fc.record({ value: text });
const containerId = fc.letrec<{ id: object }>((tie) => ({
  id: fc.record({ value: text, parent: fc.oneof({ depthSize: "small" }, fc.constant(undefined), tie("id")) }, { requiredKeys: ["value"] }),
})).id;

const status = fc.record(
  {
    taskId: id,
    state: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 13 }), weight: 9 }, { arbitrary: fc.constant(99), weight: 1 }),
    message: text,
    source: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 }), weight: 9 }, { arbitrary: fc.constant(3), weight: 1 }),
    reason: fc.oneof(
      { arbitrary: fc.constantFrom(TaskStatus_Reason.COMMAND_EXECUTOR_FAILED, TaskStatus_Reason.RECONCILIATION), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 1 },
    ),
    agentId: id,
    executorId: id,
    timestamp: fc.double(),
    uuid: fc.uint8Array({ maxLength: 16 }),
    labels: fc.record({ labels: fc.array(fc.record({ key: text, value: text }, { requiredKeys: ["key"] }), { maxLength: 2 }) }),
    containerStatus: fc.record({ containerId, executorPid: rarely(fc.nat()) }, { requiredKeys: [] }),
    // Left to protobuf-es.
    healthy: rarely(fc.boolean()),
    data: rarely(fc.uint8Array({ maxLength: 4 })),
  },
  { requiredKeys: ["taskId", "state"] },
);

const message = fc.record({
  agentId: id,
  connectionId: text,
  message: fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        case: fc.constant("statusUpdate"),
        value: fc.record({ frameworkId: id, status, latestState: fc.integer({ min: 0, max: 14 }) }, { requiredKeys: ["frameworkId", "status"] }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ case: "pong", value: {} }) },
    { weight: 1, arbitrary: fc.constant({ case: undefined }) },
  ),
});
const frames = message.map((m) => toBinary(internal.AgentMessageSchema, create(internal.AgentMessageSchema, m as never)));

/** An update as an agent makes it (reportStatus): the hand path. */
function agentsUpdate(state: TaskState, extra: { message?: string; exitStatus?: number } = {}): Uint8Array {
  return toBinary(
    internal.AgentMessageSchema,
    create(internal.AgentMessageSchema, {
      agentId: { value: "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-S17" },
      connectionId: "c0ffee00-1111-2222-3333-444455556666",
      message: {
        case: "statusUpdate",
        value: {
          frameworkId: { value: "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-0000" },
          status: {
            taskId: { value: "fw0-17" },
            state,
            message: extra.message,
            source: TaskStatus_Source.EXECUTOR,
            agentId: { value: "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-S17" },
            executorId: { value: "fw0-17" },
            timestamp: 1764800000.123,
            uuid: newUuidBytes(),
            containerStatus: { containerId: { value: "5c4e0b6a-7a3b-4f0e-9d1c-2b8f6e3a1d00" } },
            labels: extra.exitStatus === undefined ? undefined : { labels: [{ key: "exit_status", value: String(extra.exitStatus) }] },
          },
          latestState: TaskState.TASK_FINISHED,
        },
      },
    }),
  );
}

test("updates as agents make them are read by hand, as protobuf-es reads them", () => {
  const before = agentMessagesDecoded.byHand;
  expectSame(agentsUpdate(TaskState.TASK_STARTING));
  expectSame(agentsUpdate(TaskState.TASK_RUNNING));
  expectSame(agentsUpdate(TaskState.TASK_FINISHED, { message: "Command exited with status 0", exitStatus: 0 }));
  expect(agentMessagesDecoded.byHand).toBe(before + 3);
});

test(
  "generated messages decode as protobuf-es decodes them",
  () => {
    const before = { ...agentMessagesDecoded };
    fc.assert(
      fc.property(frames, (frame) => expectSame(frame)),
      { numRuns: RUNS },
    );
    // Both ways were taken.
    expect(agentMessagesDecoded.byHand - before.byHand).toBeGreaterThan(RUNS / 20);
    expect(agentMessagesDecoded.byProtobufEs - before.byProtobufEs).toBeGreaterThan(RUNS / 10);
  },
  TIMEOUT,
);

test(
  "mutated messages decode as protobuf-es decodes them, or fail as it fails",
  () => {
    const plain = fc
      .constantFrom(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED)
      .map((s) => agentsUpdate(s, { exitStatus: 0 }));
    const mutated = fc.oneof(frames, plain).chain(mutateBytes);
    fc.assert(
      fc.property(mutated, (frame) => expectSame(frame)),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

/** A length-delimited field's bytes. */
const field = (number: number, bytes: Uint8Array) => new Uint8Array([(number << 3) | 2, bytes.length, ...bytes]);
const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const ascii = (s: string) => new TextEncoder().encode(s);

test("a message missing a required field, at any depth, is left to protobuf-es (whose caller reports it)", () => {
  const idOf = (value: string) => field(1, ascii(value));
  const status = (parts: { taskId?: boolean; state?: boolean; label?: boolean; container?: boolean }) =>
    concat(
      parts.taskId === false ? new Uint8Array() : field(1, idOf("t")),
      parts.state === false ? new Uint8Array() : new Uint8Array([2 << 3, 1]),
      parts.label === false ? field(12, field(1, field(2, ascii("v")))) : new Uint8Array(),
      parts.container === false ? field(13, field(4, new Uint8Array())) : new Uint8Array(),
      field(5, new Uint8Array()), // an agent id without its value
    );
  const frame = (parts: { agentId?: boolean; connectionId?: boolean; frameworkId?: boolean; status?: Uint8Array | false }) =>
    concat(
      parts.agentId === false ? new Uint8Array() : field(1, idOf("a")),
      parts.connectionId === false ? new Uint8Array() : field(2, ascii("c")),
      field(
        4,
        concat(
          parts.frameworkId === false ? new Uint8Array() : field(1, idOf("f")),
          parts.status === false ? new Uint8Array() : field(2, parts.status ?? status({})),
        ),
      ),
    );
  const cases = [
    frame({ agentId: false }),
    frame({ connectionId: false }),
    frame({ frameworkId: false }),
    frame({ status: false }),
    frame({ status: status({ taskId: false }) }),
    frame({ status: status({ state: false }) }),
    frame({ status: status({ label: false }) }),
    frame({ status: status({ container: false }) }),
  ];
  const before = agentMessagesDecoded.byProtobufEs;
  for (const f of cases) {
    expectSame(f);
    expect(missingRequiredFields(internal.AgentMessageSchema, decodeAgentMessage(f).message).length).toBeGreaterThan(0);
  }
  expect(agentMessagesDecoded.byProtobufEs).toBe(before + 2 * cases.length);
});

test("a message field given twice is merged by protobuf-es (the hand reader leaves it to it)", () => {
  const frame = agentsUpdate(TaskState.TASK_RUNNING);
  // A second status_update holding only a latest_state: protobuf-es merges it into the first.
  const twice = new Uint8Array([...frame, ...field(4, new Uint8Array([(3 << 3) | 0, TaskState.TASK_KILLED]))]);
  const before = agentMessagesDecoded.byProtobufEs;
  expectSame(twice);
  expect(agentMessagesDecoded.byProtobufEs).toBe(before + 1);
});
