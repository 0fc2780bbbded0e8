/**
 * ACKNOWLEDGE is read by hand on both transports (apps/master/src/scheduler/acknowledge-shortcut.ts)
 * when its body is plain; any other body goes the general way (protobuf-es, the guard stage, the
 * interceptors). Both must answer alike. Each call here is sent twice: plain (the shortcut) and with
 * its `type` field repeated (the same Call once decoded, which the shortcut declines): status,
 * headers, body and the counters the call moves must match, for good calls and bad ones, over
 * Connect and over the v1 HTTP API. The reader itself is checked against
 * protobuf-es in apps/master/src/scheduler/acknowledge-shortcut.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { MasterInfoSchema, scheduler } from "@mesos/proto";
import { jsonCodec, subscribeHttp, type EventReader } from "../support/http-api.ts";
import { createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const T = scheduler.Call_Type;
const stops: (() => unknown)[] = [];
let master: InMemoryMaster;
let follower: InMemoryMaster;
let stream: EventReader;
let frameworkId: string;
let streamId: string;

beforeAll(async () => {
  master = await createInMemoryMaster((fn) => stops.push(fn));
  const other = create(MasterInfoSchema, { id: "other", ip: 0, port: 5050, hostname: "leader.example" });
  follower = await createInMemoryMaster((fn) => stops.push(fn), { leader: () => other });
  const subscribe = { type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "shortcut", failover_timeout: 3600 } } };
  stream = await subscribeHttp("/api/v1/scheduler", jsonCodec, subscribe, {}, master.request);
  streamId = stream.response.headers.get("Mesos-Stream-Id")!;
  frameworkId = (((await stream.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject).value as string;
});
afterAll(() => {
  stream.close();
  for (const stop of stops) stop();
});

const uuid = (n = 16) => Uint8Array.from({ length: n }, (_, i) => i + 1);

function ackCall(fields: { frameworkId?: string; agentId?: string; taskId?: string; uuid?: Uint8Array } = {}): Uint8Array {
  return toBinary(
    scheduler.CallSchema,
    create(scheduler.CallSchema, {
      frameworkId: { value: fields.frameworkId ?? frameworkId },
      type: T.ACKNOWLEDGE,
      acknowledge: { agentId: { value: fields.agentId ?? "agent-1" }, taskId: { value: fields.taskId ?? "task-1" }, uuid: fields.uuid ?? uuid() },
    }),
  );
}

/** The same Call with `type` repeated (the last occurrence wins): what the shortcut leaves to the general path. */
const generalForm = (plain: Uint8Array) => Uint8Array.from([...plain, 0x10, T.ACKNOWLEDGE]);

const TRANSPORTS = {
  connect: { path: "/mesos.v1.scheduler.Scheduler/Call", type: "application/proto" },
  v1: { path: "/api/v1/scheduler", type: "application/x-protobuf" },
};

const COUNTERS = /acknowledg|messages|calls/;

async function counters(m: InMemoryMaster): Promise<Record<string, number>> {
  const all = (await (await m.request("/metrics/snapshot")).json()) as Record<string, number>;
  return Object.fromEntries(Object.entries(all).filter(([k]) => COUNTERS.test(k)));
}

/** One call's answer and what it moved in the counters. */
async function answer(m: InMemoryMaster, transport: keyof typeof TRANSPORTS, body: Uint8Array, headers: Record<string, string>) {
  const before = await counters(m);
  const { path, type } = TRANSPORTS[transport];
  const res = await m.request(path, { method: "POST", body, headers: { "Content-Type": type, ...headers }, redirect: "manual" });
  const text = await res.text();
  const after = await counters(m);
  const moved = Object.fromEntries(
    Object.entries(after)
      .filter(([k, v]) => v !== (before[k] ?? 0))
      .map(([k, v]) => [k, v - (before[k] ?? 0)]),
  );
  return { status: res.status, headers: [...res.headers.entries()].sort(), text, moved };
}

const CASES: Record<string, { body: () => Uint8Array; headers?: () => Record<string, string>; on?: () => InMemoryMaster }> = {
  "a good acknowledgement (its agent unknown)": { body: () => ackCall() },
  "an unknown framework": { body: () => ackCall({ frameworkId: "no-such-framework" }) },
  "no Mesos-Stream-Id": { body: () => ackCall(), headers: () => ({}) },
  "another stream's id": { body: () => ackCall(), headers: () => ({ "Mesos-Stream-Id": "not-the-stream" }) },
  "a uuid of 15 bytes": { body: () => ackCall({ uuid: uuid(15) }) },
  "an empty task id": { body: () => ackCall({ taskId: "" }) },
  "a master that does not lead": { body: () => ackCall(), on: () => follower },
};

describe.each(Object.keys(TRANSPORTS) as (keyof typeof TRANSPORTS)[])("over %s", (transport) => {
  test.each(Object.keys(CASES))("%s: the same answer and counters either way", async (name) => {
    const c = CASES[name]!;
    const m = c.on?.() ?? master;
    const headers = c.headers?.() ?? { "Mesos-Stream-Id": streamId };
    const plain = c.body();
    const shortcut = await answer(m, transport, plain, headers);
    const general = await answer(m, transport, generalForm(plain), headers);
    expect(shortcut).toEqual(general);
  });

  test("a good acknowledgement is accepted and counted", async () => {
    const res = await answer(master, transport, ackCall(), { "Mesos-Stream-Id": streamId });
    expect(res.status).toBe(transport === "connect" ? 200 : 202);
    expect(res.moved["master/messages_acknowledge"]).toBe(1);
    expect(res.moved["master/invalid_status_update_acknowledgements"]).toBe(1);
  });
});
