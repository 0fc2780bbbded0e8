/**
 * Every error status of `POST /api/v1/scheduler` in the spec's list (mesos-1.8.md §2), with its
 * plain-text message, plus the transport details frameworks rely on: chunked request bodies,
 * explicit JSON nulls, heartbeats, one stream per framework, disconnection on client close. The
 * master is built in memory; requests reach its app with `app.request()`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ManualClock } from "@mesos/core";
import { MasterInfoSchema, scheduler } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { type EventReader, jsonCodec, subscribeHttp } from "../support/http-api.ts";
import { createInMemoryMaster, type InMemoryMaster, type InMemoryMasterOptions } from "../support/in-memory-master.ts";

let master: InMemoryMaster;
const url = "/api/v1/scheduler";
const stops: (() => unknown)[] = [];
/** A master of its own for one test, stopped at its end. */
async function anotherMaster(options: InMemoryMasterOptions): Promise<{ m: InMemoryMaster; stop(): void }> {
  const own: (() => unknown)[] = [];
  const m = await createInMemoryMaster((fn) => own.push(fn), options);
  return { m, stop: () => own.forEach((fn) => fn()) };
}
/** A framework subscribed over HTTP, for the calls that need one. */
let stream: EventReader;
let frameworkId: string;
let streamId: string;

const subscribeCall = (info: JsonObject = {}) => ({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "errors", ...info } } });

beforeAll(async () => {
  master = await createInMemoryMaster((fn) => stops.push(fn));
  stream = await subscribeHttp(url, jsonCodec, subscribeCall({ failover_timeout: 3600 }), {}, master.request);
  streamId = stream.response.headers.get("Mesos-Stream-Id")!;
  frameworkId = (((await stream.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject).value as string;
});
afterAll(() => {
  stream.close();
  for (const stop of stops) stop();
});

const raw = (init: { method?: string; headers?: Record<string, string>; body?: RequestInit["body"] }) =>
  master.request(url, { method: init.method ?? "POST", headers: init.headers, body: init.body });
const json = (body: unknown, headers: Record<string, string> = {}) =>
  raw({ headers: { "Content-Type": "application/json", ...headers }, body: new TextEncoder().encode(JSON.stringify(body)) });
const mine = (body: JsonObject, headers: Record<string, string> = { "Mesos-Stream-Id": streamId }) =>
  json({ framework_id: { value: frameworkId }, ...body }, headers);

async function expectStatus(res: Response | Promise<Response>, status: number, text?: string): Promise<Response> {
  const r = await res;
  const body = await r.text();
  expect({ status: r.status, body }).toMatchObject({ status, body: text === undefined ? expect.any(String) : expect.stringContaining(text) });
  if (status >= 400 && status !== 501) expect(r.headers.get("Content-Type")).toStartWith("text/plain");
  return r;
}

describe("not the leader", () => {
  test("307 to the same path on the leading master", async () => {
    const other = create(MasterInfoSchema, { id: "other", ip: 0, port: 5050, hostname: "leader.example" });
    const { m: follower, stop } = await anotherMaster({ leader: () => other });
    try {
      for (const path of ["/api/v1/scheduler", "/master/api/v1/scheduler", "/api/v1"]) {
        const res = await follower.request(path, { method: "POST", redirect: "manual", body: "{}" });
        expect(res.status).toBe(307);
        expect(res.headers.get("Location")).toBe(`//leader.example:5050${path}`);
      }
      const redirect = await follower.request("/master/redirect", { redirect: "manual" });
      expect([redirect.status, redirect.headers.get("Location")]).toEqual([307, "//leader.example:5050"]);
    } finally {
      stop();
    }
  });

  test("503 when no leader is known", async () => {
    const { m: orphan, stop } = await anotherMaster({ leader: () => undefined });
    try {
      await expectStatus(orphan.request("/api/v1/scheduler", { method: "POST" }), 503, "No leader elected");
      await expectStatus(orphan.request("/api/v1", { method: "POST" }), 503, "No leader elected");
    } finally {
      stop();
    }
  });
});

describe("transport", () => {
  test("405 for anything but POST", async () => {
    const res = await expectStatus(raw({ method: "GET" }), 405, "Expecting one of { 'POST' }, but received 'GET'");
    expect(res.headers.get("Allow")).toBe("POST");
  });

  test("400 without Content-Type", async () => {
    await expectStatus(raw({ body: new Uint8Array([1]) }), 400, "Expecting 'Content-Type' to be present");
  });

  test("415 for another Content-Type", async () => {
    await expectStatus(
      raw({ headers: { "Content-Type": "text/plain" }, body: "x" }),
      415,
      "Expecting 'Content-Type' of application/json or application/x-protobuf",
    );
  });

  test("400 for a body that does not parse", async () => {
    await expectStatus(raw({ headers: { "Content-Type": "application/json" }, body: "{nope" }), 400, "Failed to parse body into JSON");
    await expectStatus(
      raw({ headers: { "Content-Type": "application/json" }, body: '{"type": "NOPE"}' }),
      400,
      "Failed to convert JSON into Call protobuf",
    );
    await expectStatus(
      raw({ headers: { "Content-Type": "application/x-protobuf" }, body: new Uint8Array([0xff, 0xff]) }),
      400,
      "Failed to parse body into Call protobuf",
    );
  });

  test("406 when Accept allows neither JSON nor protobuf (SUBSCRIBE and RECONCILE_OPERATIONS only)", async () => {
    await expectStatus(
      json(subscribeCall(), { Accept: "text/html" }),
      406,
      "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
    );
    await expectStatus(mine({ type: "RECONCILE_OPERATIONS", reconcile_operations: {} }, { "Mesos-Stream-Id": streamId, Accept: "text/html" }), 406);
    // Other calls answer no body, so Accept does not matter.
    await expectStatus(mine({ type: "REVIVE" }, { "Mesos-Stream-Id": streamId, Accept: "text/html" }), 202, "");
  });
});

describe("validation (400)", () => {
  test.each<[string, JsonObject, string]>([
    ["no type", { framework_id: { value: "x" } }, "Failed to validate scheduler::Call: Expecting 'type' to be present"],
    ["no payload", { type: "ACCEPT", framework_id: { value: "x" } }, "Expecting 'accept' to be present"],
    ["no framework_id", { type: "REVIVE" }, "Expecting 'framework_id' to be present"],
    [
      "framework_id differs from framework_info.id",
      { ...subscribeCall({ id: { value: "b" } }), framework_id: { value: "a" } },
      "'framework_id' differs",
    ],
    [
      "a bad acknowledgement uuid",
      { type: "ACKNOWLEDGE", framework_id: { value: "x" }, acknowledge: { agent_id: { value: "a" }, task_id: { value: "t" }, uuid: "AAEC" } },
      "Invalid UUID",
    ],
    [
      "ACKNOWLEDGE_OPERATION_STATUS without agent_id",
      {
        type: "ACKNOWLEDGE_OPERATION_STATUS",
        framework_id: { value: "x" },
        acknowledge_operation_status: { uuid: "AAECAwQFBgcICQoLDA0ODw==", operation_id: { value: "o" } },
      },
      "Expecting 'agent_id' to be present",
    ],
    ["a missing required field", subscribeCall({ user: null }), "Missing required fields: subscribe.framework_info.user"],
  ])("%s", async (_, body, message) => {
    await expectStatus(json(body), 400, message);
  });

  test("SUBSCRIBE with a Mesos-Stream-Id header", async () => {
    await expectStatus(json(subscribeCall(), { "Mesos-Stream-Id": "x" }), 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
  });

  test("a FrameworkInfo without its required fields", async () => {
    await expectStatus(json({ type: "SUBSCRIBE", subscribe: { framework_info: { name: "no user" } } }), 400, "framework_info.user");
  });
});

describe("framework and stream checks", () => {
  test("400 for an unknown framework", async () => {
    await expectStatus(json({ type: "REVIVE", framework_id: { value: "nope" } }, { "Mesos-Stream-Id": streamId }), 400, "Framework cannot be found");
  });

  test("400 without the stream id, or with another one", async () => {
    await expectStatus(mine({ type: "REVIVE" }, {}), 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    await expectStatus(mine({ type: "REVIVE" }, { "Mesos-Stream-Id": "not-mine" }), 400, "didn't match the stream ID");
  });

  test("501 for UNKNOWN", async () => {
    await expectStatus(mine({ type: "UNKNOWN" }), 501);
  });

  test("403 once the framework's stream is closed by the client", async () => {
    const gone = await subscribeHttp(url, jsonCodec, subscribeCall({ failover_timeout: 3600 }), {}, master.request);
    const id = (((await gone.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject).value as string;
    const goneStreamId = gone.response.headers.get("Mesos-Stream-Id")!;
    gone.close();
    await eventually(() => master.ctx.frameworks.get(id)?.connected === false, 10_000, "the master to see the disconnection");
    await expectStatus(
      json({ type: "REVIVE", framework_id: { value: id } }, { "Mesos-Stream-Id": goneStreamId }),
      403,
      "Framework is not subscribed",
    );
  });

  test("a second SUBSCRIBE of the framework closes the first stream and issues a new stream id", async () => {
    const first = await subscribeHttp(url, jsonCodec, subscribeCall({ failover_timeout: 3600 }), {}, master.request);
    const id = (((await first.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject).value as string;
    const second = await subscribeHttp(
      url,
      jsonCodec,
      { ...subscribeCall({ id: { value: id }, failover_timeout: 3600 }), framework_id: { value: id } },
      {},
      master.request,
    );
    await second.next("SUBSCRIBED");
    expect(((await first.next("ERROR")).error as JsonObject).message).toBe("Framework failed over");
    expect(await first.ended).toBeUndefined();
    const oldId = first.response.headers.get("Mesos-Stream-Id")!;
    const newId = second.response.headers.get("Mesos-Stream-Id")!;
    expect(newId).not.toBe(oldId);
    await expectStatus(json({ type: "REVIVE", framework_id: { value: id } }, { "Mesos-Stream-Id": oldId }), 400, "didn't match");
    await expectStatus(json({ type: "REVIVE", framework_id: { value: id } }, { "Mesos-Stream-Id": newId }), 202, "");
    second.close();
  });
});

describe("what frameworks send", () => {
  test("a chunked request body", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: "REVIVE", framework_id: { value: frameworkId } }));
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, 10));
        c.enqueue(bytes.subarray(10));
        c.close();
      },
    });
    await expectStatus(raw({ headers: { "Content-Type": "application/json", "Mesos-Stream-Id": streamId }, body }), 202, "");
  });

  test("explicit JSON nulls", async () => {
    const s = await subscribeHttp(
      url,
      jsonCodec,
      {
        type: "SUBSCRIBE",
        framework_id: null,
        subscribe: { framework_info: { user: "root", name: "nulls", role: null, labels: null, capabilities: [null] } },
      },
      {},
      master.request,
    );
    expect((await s.next("SUBSCRIBED")).type).toBe("SUBSCRIBED");
    s.close();
  });

  test("a protobuf Call encoded by an independent encoder", async () => {
    // REVIVE for our framework, written field by field.
    const fid = new BinaryWriter().tag(1, WireType.LengthDelimited).string(frameworkId).finish();
    const call = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(fid).tag(2, WireType.Varint).int32(5).finish();
    await expectStatus(raw({ headers: { "Content-Type": "application/x-protobuf", "Mesos-Stream-Id": streamId }, body: call }), 202, "");
  });

  test("SUBSCRIBE in protobuf with an Accept that prefers protobuf gets protobuf records", async () => {
    const body = toBinary(
      scheduler.CallSchema,
      create(scheduler.CallSchema, { type: scheduler.Call_Type.SUBSCRIBE, subscribe: { frameworkInfo: { user: "u", name: "pb" } } }),
    );
    const res = await raw({ headers: { "Content-Type": "application/x-protobuf", Accept: "application/x-protobuf" }, body });
    expect([res.status, res.headers.get("Content-Type")]).toEqual([200, "application/x-protobuf"]);
    await res.body!.cancel();
  });
});

test("HEARTBEAT right after SUBSCRIBED and every 15 s", async () => {
  const clock = new ManualClock();
  const { m, stop } = await anotherMaster({ clock });
  try {
    const s = await subscribeHttp(url, jsonCodec, subscribeCall(), {}, m.request);
    await s.next("SUBSCRIBED");
    await s.next("HEARTBEAT");
    clock.advance(15_000);
    await s.next("HEARTBEAT");
    clock.advance(15_000);
    await s.next("HEARTBEAT");
    expect(s.events.map((e) => e.type)).toEqual(["SUBSCRIBED", "HEARTBEAT", "HEARTBEAT", "HEARTBEAT"]);
    s.close();
  } finally {
    stop();
  }
});
