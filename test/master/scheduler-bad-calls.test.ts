/**
 * Malformed and invalid scheduler calls get a precise error code and message, and the master keeps
 * serving. Calls go through a raw Connect client so nothing on the client side "fixes" them.
 * Master, agent and framework in memory (Connect's router transport, `app.request()` for the
 * hand-encoded requests).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create, type JsonValue, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { errorFromJson } from "@connectrpc/connect/protocol-connect";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { FrameworkIDSchema, scheduler, TaskState, TaskStatus_Reason } from "@mesos/proto";
import { createOperatorClient } from "@mesos/client";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

let master: InMemoryMaster;
let fw: TestFramework;
let raw: ReturnType<typeof createClient<typeof scheduler.Scheduler>>;
const stops: (() => unknown)[] = [];

beforeAll(async () => {
  master = await createInMemoryMaster((fn) => stops.push(fn));
  await (await attachInMemoryAgent(master, (fn) => stops.push(fn))).registered;
  fw = await startTestFramework(master.transport);
  raw = createClient(scheduler.Scheduler, master.transport);
});
afterAll(() => {
  fw.close();
  for (const stop of stops.reverse()) stop();
});

async function errorOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}

const call = (c: MessageInitShape<typeof scheduler.CallSchema>, streamId?: string) =>
  raw.call(c, { headers: streamId === undefined ? {} : { "Mesos-Stream-Id": streamId } });
const mine = () => ({ value: fw.sub.frameworkId });
const frameworkIdBytes = () => toBinary(FrameworkIDSchema, create(FrameworkIDSchema, mine()));

/** POSTs already-encoded Call bytes to the unary method, as any Connect client would. */
async function rawUnary(body: Uint8Array, streamId: string): Promise<void> {
  const res = await master.request("/mesos.v1.scheduler.Scheduler/Call", {
    method: "POST",
    headers: { "content-type": "application/proto", "connect-protocol-version": "1", "Mesos-Stream-Id": streamId },
    body,
  });
  if (!res.ok) throw errorFromJson((await res.json()) as JsonValue, undefined, new ConnectError("no error body", Code.Unknown));
}

/** SUBSCRIBE whose FrameworkInfo has a name but no user, enveloped for a Connect server stream. */
async function rawSubscribeWithoutUser(): Promise<void> {
  const info = new BinaryWriter().tag(2, WireType.LengthDelimited).string("x").finish();
  const subscribeMsg = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(info).finish();
  const callBytes = new BinaryWriter().tag(2, WireType.Varint).int32(1).tag(3, WireType.LengthDelimited).bytes(subscribeMsg).finish();
  const envelope = new Uint8Array(5 + callBytes.length);
  new DataView(envelope.buffer).setUint32(1, callBytes.length);
  envelope.set(callBytes, 5);
  const res = await master.request("/mesos.v1.scheduler.Scheduler/Subscribe", {
    method: "POST",
    headers: { "content-type": "application/connect+proto", "connect-protocol-version": "1" },
    body: envelope,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  // The stream's end message (flag 0x02) carries the error as JSON.
  const end = JSON.parse(new TextDecoder().decode(bytes.subarray(5))) as { error: JsonValue };
  throw errorFromJson(end.error, undefined, new ConnectError("no error in the end message", Code.Unknown));
}

describe("malformed calls", () => {
  test.each<[string, () => Promise<unknown>, Code, string]>([
    ["no type", () => call({ frameworkId: mine() }, fw.sub.streamId), Code.InvalidArgument, "Expecting 'type' to be present"],
    [
      "UNKNOWN type",
      () => call({ type: scheduler.Call_Type.UNKNOWN, frameworkId: mine() }, fw.sub.streamId),
      Code.Unimplemented,
      "unsupported call type",
    ],
    [
      "ACCEPT without payload",
      () => call({ type: scheduler.Call_Type.ACCEPT, frameworkId: mine() }, fw.sub.streamId),
      Code.InvalidArgument,
      "Expecting 'accept' to be present",
    ],
    [
      "DECLINE without framework_id",
      () => call({ type: scheduler.Call_Type.DECLINE, decline: {} }, fw.sub.streamId),
      Code.InvalidArgument,
      "Expecting 'framework_id' to be present",
    ],
    [
      "KILL without task_id (hand-encoded: clients refuse to encode it)",
      () =>
        rawUnary(
          new BinaryWriter()
            .tag(1, WireType.LengthDelimited)
            .bytes(frameworkIdBytes())
            .tag(2, WireType.Varint)
            .int32(6)
            .tag(6, WireType.LengthDelimited)
            .bytes(new Uint8Array())
            .finish(),
          fw.sub.streamId,
        ),
      Code.InvalidArgument,
      "kill.task_id",
    ],
    [
      "ACKNOWLEDGE with a 3-byte uuid",
      () =>
        call(
          {
            type: scheduler.Call_Type.ACKNOWLEDGE,
            frameworkId: mine(),
            acknowledge: { taskId: { value: "t" }, agentId: { value: "a" }, uuid: new Uint8Array(3) },
          },
          fw.sub.streamId,
        ),
      Code.InvalidArgument,
      "Invalid UUID",
    ],
    [
      "ACKNOWLEDGE_OPERATION_STATUS without agent_id",
      () =>
        call(
          {
            type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
            frameworkId: mine(),
            acknowledgeOperationStatus: { operationId: { value: "op" }, uuid: new Uint8Array(16) },
          },
          fw.sub.streamId,
        ),
      Code.InvalidArgument,
      "Expecting 'agent_id' to be present",
    ],
    [
      "unknown framework",
      () => call({ type: scheduler.Call_Type.REVIVE, frameworkId: { value: "nope" } }, fw.sub.streamId),
      Code.NotFound,
      "Framework cannot be found",
    ],
    ["missing stream id", () => call({ type: scheduler.Call_Type.REVIVE, frameworkId: mine() }), Code.InvalidArgument, "Mesos-Stream-Id"],
    [
      "wrong stream id",
      () => call({ type: scheduler.Call_Type.REVIVE, frameworkId: mine() }, "not-the-stream"),
      Code.InvalidArgument,
      "didn't match the stream ID",
    ],
    [
      "SUBSCRIBE on the unary method",
      () => call({ type: scheduler.Call_Type.SUBSCRIBE, subscribe: { frameworkInfo: { user: "u", name: "n" } } }),
      Code.InvalidArgument,
      "SUBSCRIBE must be sent",
    ],
  ])("%s", async (_, send, code, message) => {
    const e = await errorOf(send());
    expect(e.code).toBe(code);
    expect(e.rawMessage).toContain(message);
  });
});

describe("invalid subscriptions", () => {
  const sub = (c: MessageInitShape<typeof scheduler.CallSchema>) => {
    const it = raw.subscribe(c)[Symbol.asyncIterator]();
    return it.next().finally(() => it.return?.());
  };
  // Malformed calls (Mesos refuses to parse or validate the call: 400).
  test.each<[string, MessageInitShape<typeof scheduler.CallSchema>, string]>([
    ["no FrameworkInfo.user", "hand-encoded" as never, "Missing required field 'FrameworkInfo.user'"],
    [
      "framework_id differs",
      { type: 1, frameworkId: { value: "a" }, subscribe: { frameworkInfo: { user: "u", name: "n", id: { value: "b" } } } },
      "'framework_id' differs",
    ],
  ])("%s: InvalidArgument", async (_, c, message) => {
    const e = await errorOf(c === ("hand-encoded" as never) ? rawSubscribeWithoutUser() : sub(c));
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toContain(message);
  });

  // Subscriptions the master refuses: the stream carries one ERROR event and ends, as in Mesos.
  test.each<[string, MessageInitShape<typeof scheduler.CallSchema>, string]>([
    [
      "role with MULTI_ROLE",
      { type: 1, subscribe: { frameworkInfo: { user: "u", name: "n", role: "r", capabilities: [{ type: 6 }] } } },
      "'FrameworkInfo.role' must not be set",
    ],
    ["invalid role", { type: 1, subscribe: { frameworkInfo: { user: "u", name: "n", role: "a//b" } } }, "adjacent slashes"],
    [
      "negative offer filter",
      {
        type: 1,
        subscribe: {
          frameworkInfo: {
            user: "u",
            name: "n",
            role: "r",
            offerFilters: { r: { minAllocatableResources: { quantities: [{ quantities: { cpus: { value: -1 } } }] } } },
          },
        },
      },
      "Invalid resource quantity for 'cpus': Negative values not supported",
    ],
    [
      "empty offer filter quantities",
      {
        type: 1,
        subscribe: {
          frameworkInfo: { user: "u", name: "n", role: "r", offerFilters: { r: { minAllocatableResources: { quantities: [{ quantities: {} }] } } } },
        },
      },
      "Resource quantities must contain at least one quantity",
    ],
    [
      "a failover timeout beyond Mesos's Duration",
      { type: 1, subscribe: { frameworkInfo: { user: "u", name: "n", failoverTimeout: 1e300 } } },
      "failover_timeout",
    ],
  ])("%s: an ERROR event, then the end", async (_, c, message) => {
    const events: scheduler.Event[] = [];
    for await (const e of raw.subscribe(c)) events.push(e);
    expect(events.map((e) => scheduler.Event_Type[e.type])).toEqual(["ERROR"]);
    expect(events[0]!.error!.message).toContain(message);
  });
});

describe("invalid launches", () => {
  test("a stale offer: the task is TASK_LOST with REASON_INVALID_OFFERS", async () => {
    await fw.sub.accept(
      ["no-such-offer"],
      [
        {
          type: 1,
          launch: { taskInfos: [{ name: "x", taskId: { value: "stale" }, agentId: { value: "a" }, command: { value: "true" }, resources: [] }] },
        },
      ],
    );
    const lost = await fw.waitForStatus("stale", TaskState.TASK_LOST);
    expect(lost.reason).toBe(TaskStatus_Reason.INVALID_OFFERS);
    expect(lost.message).toContain("Offer no-such-offer is no longer valid");
  });

  test("more resources than offered, and a duplicate task id: TASK_ERROR", async () => {
    const [offer] = await fw.nextOffers();
    const task = (id: string, cpus: number) => ({
      name: id,
      taskId: { value: id },
      agentId: offer!.agentId,
      command: { value: "sleep 100" },
      resources: [{ name: "cpus", type: 0, scalar: { value: cpus } }],
    });
    await fw.sub.accept([offer!.id!.value], [{ type: 1, launch: { taskInfos: [task("big", 1000), task("dup", 0.1), task("dup", 0.1)] } }]);
    const big = await fw.waitForStatus("big", TaskState.TASK_ERROR);
    expect(big.reason).toBe(TaskStatus_Reason.TASK_INVALID);
    expect(big.message).toContain("Task uses more resources");
    const dup = await fw.waitForStatus("dup", TaskState.TASK_ERROR);
    expect(dup.message).toBe("Task has duplicate ID: dup");
    await fw.waitForStatus("dup", TaskState.TASK_RUNNING);
    await fw.sub.kill("dup");
    await fw.waitForStatus("dup", TaskState.TASK_KILLED);
  });

  test("an operation id on LAUNCH: TASK_ERROR", async () => {
    const [offer] = await fw.nextOffers();
    await fw.sub.accept(
      [offer!.id!.value],
      [
        {
          type: 1,
          id: { value: "op1" },
          launch: {
            taskInfos: [
              {
                name: "x",
                taskId: { value: "with-op-id" },
                agentId: offer!.agentId,
                command: { value: "true" },
                resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
              },
            ],
          },
        },
      ],
    );
    const e = await fw.waitForStatus("with-op-id", TaskState.TASK_ERROR);
    expect(e.message).toContain("operation ID is not allowed on LAUNCH");
  });
});

test("a second SUBSCRIBE of the same framework closes the first stream with an error", async () => {
  const first = await startTestFramework(master.transport, { failoverTimeout: 60 });
  const second = await startTestFramework(master.transport, { id: { value: first.sub.frameworkId }, failoverTimeout: 60 });
  expect(second.sub.frameworkId).toBe(first.sub.frameworkId);
  const errorEvent = await new Promise<scheduler.Event | undefined>((resolve) => {
    const check = () => {
      const e = first.events.find((x) => x.type === scheduler.Event_Type.ERROR);
      e ? resolve(e) : setTimeout(check, 10);
    };
    check();
  });
  expect(errorEvent?.error?.message).toBe("Framework failed over");
  const e = await errorOf(first.sub.call({ type: scheduler.Call_Type.REVIVE }));
  expect(e.message).toContain("didn't match the stream ID");
  second.close();
  first.close();
});

test("after all that, the master still serves", async () => {
  expect((await createOperatorClient(master.transport).getHealth()).healthy).toBe(true);
});
