/**
 * The master's `POST /api/v1` over HTTP: calls in JSON and protobuf, the SUBSCRIBE stream's
 * heartbeats and cap on subscribers, and the error statuses, against a master built in memory
 * (`app.request()`). The event stream of a real task: test/integration/http-operator.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { ManualClock } from "@mesos/core";
import { master as operator } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { jsonCodec, post, protobufCodec, subscribeHttp } from "../support/http-api.ts";
import { createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

describe("the operator API on one master", () => {
  let m: InMemoryMaster;
  const stops: (() => unknown)[] = [];
  beforeAll(async () => {
    m = await createInMemoryMaster((fn) => stops.push(fn), { flags: ["--max_operator_event_stream_subscribers=2"] });
  });
  afterAll(() => {
    for (const stop of stops) stop();
  });
  const api = () => "/api/v1";

  test("GET_HEALTH in JSON and in protobuf, as Accept asks", async () => {
    const res = await post(api(), jsonCodec, { type: "GET_HEALTH" }, {}, undefined, m.request);
    expect([res.status, res.headers.get("Content-Type")]).toEqual([200, "application/json"]);
    expect(await res.json()).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
    const pb = await m.request(api(), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/x-protobuf" },
      body: '{"type":"GET_VERSION"}',
    });
    expect(pb.headers.get("Content-Type")).toBe("application/x-protobuf");
    const decoded = protobufCodec(operator.CallSchema, operator.ResponseSchema).decode(new Uint8Array(await pb.arrayBuffer()));
    expect(decoded).toMatchObject({ type: "GET_VERSION", get_version: { version_info: { version: "1.8.0" } } });
  });

  test("GET_MASTER reports the Mesos version alone in MasterInfo, as tools parse it", async () => {
    const res = await post(api(), jsonCodec, { type: "GET_MASTER" }, {}, undefined, m.request);
    const info = (((await res.json()) as JsonObject).get_master as JsonObject).master_info as JsonObject;
    expect(info.version).toBe("1.8.0");
  });

  test("GET_STATE, GET_ROLES and GET_METRICS answer", async () => {
    for (const type of ["GET_STATE", "GET_ROLES", "GET_METRICS", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS", "GET_MASTER", "GET_FLAGS"]) {
      const res = await post(api(), jsonCodec, { type }, {}, undefined, m.request);
      expect([type, res.status]).toEqual([type, 200]);
      expect(((await res.json()) as JsonObject).type).toBe(type);
    }
  });

  test("concurrent GET_STATE readers share an encoding per format: each gets the format it accepts", async () => {
    const read = (accept: string) =>
      m.request(api(), { method: "POST", headers: { "Content-Type": "application/json", Accept: accept }, body: '{"type":"GET_STATE"}' });
    const answers = await Promise.all([
      read("application/json"),
      read("application/x-protobuf"),
      read("application/json"),
      read("application/x-protobuf"),
    ]);
    expect(answers.map((r) => [r.status, r.headers.get("Content-Type")])).toEqual([
      [200, "application/json"],
      [200, "application/x-protobuf"],
      [200, "application/json"],
      [200, "application/x-protobuf"],
    ]);
    const [json1, pb1, json2, pb2] = await Promise.all(answers.map(async (r) => new Uint8Array(await r.arrayBuffer())));
    expect(json2).toEqual(json1!);
    expect(pb2).toEqual(pb1!);
    const fromJson = JSON.parse(new TextDecoder().decode(json1)) as JsonObject;
    const fromPb = protobufCodec(operator.CallSchema, operator.ResponseSchema).decode(pb1!);
    expect(fromJson.type).toBe("GET_STATE");
    expect(fromPb).toEqual(fromJson);
  });

  test("the oldest subscriber is closed past --max_operator_event_stream_subscribers", async () => {
    const streams = [];
    for (let i = 0; i < 3; i++) {
      const s = await subscribeHttp(api(), jsonCodec, { type: "SUBSCRIBE" }, {}, m.request);
      await s.next("SUBSCRIBED");
      streams.push(s);
    }
    expect(await streams[0]!.ended).toBeUndefined();
    expect(m.ctx.operatorEvents.size).toBe(2);
    for (const s of streams) s.close();
    // Subscribers that go away are dropped.
    await eventually(() => m.ctx.operatorEvents.size === 0, 10_000, "the closed streams to be dropped");
  });

  test("a framework re-subscribing is FRAMEWORK_UPDATED", async () => {
    const stream = await subscribeHttp(api(), jsonCodec, { type: "SUBSCRIBE" }, {}, m.request);
    const first = await startTestFramework(m.transport, { name: "again", failoverTimeout: 60 });
    await stream.next("FRAMEWORK_ADDED");
    const second = await startTestFramework(m.transport, { name: "again", failoverTimeout: 60, id: { value: first.sub.frameworkId } });
    const updated = ((await stream.next("FRAMEWORK_UPDATED")).framework_updated as JsonObject).framework as JsonObject;
    expect(updated).toMatchObject({ framework_info: { id: { value: first.sub.frameworkId } }, connected: true, active: true });
    second.close();
    first.close();
    stream.close();
  });

  test("the Operator Connect service streams the same events", async () => {
    const client = createClient(operator.Operator, m.transport);
    const abort = new AbortController();
    const it = client.subscribe({ type: operator.Call_Type.SUBSCRIBE }, { signal: abort.signal })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.type).toBe(operator.Event_Type.SUBSCRIBED);
    expect(first.value?.subscribed?.heartbeatIntervalSeconds).toBe(15);
    abort.abort();
  });

  describe("errors", () => {
    const raw = (init: RequestInit) => m.request(api(), { method: "POST", ...init });
    test.each<[string, () => Promise<Response>, number, string]>([
      ["405 for GET", () => m.request(api()), 405, "Expecting one of { 'POST' }"],
      ["400 without Content-Type", () => raw({ body: new Uint8Array([1]) }), 400, "Expecting 'Content-Type' to be present"],
      ["415 for text/plain", () => raw({ headers: { "Content-Type": "text/plain" }, body: "x" }), 415, "Expecting 'Content-Type' of"],
      ["400 for a bad body", () => raw({ headers: { "Content-Type": "application/json" }, body: "[" }), 400, "Failed to parse body into JSON"],
      ["400 without type", () => raw({ headers: { "Content-Type": "application/json" }, body: "{}" }), 400, "Expecting 'type' to be present"],
      [
        "406 for text/html",
        () => raw({ headers: { "Content-Type": "application/json", Accept: "text/html" }, body: '{"type":"GET_HEALTH"}' }),
        406,
        "Expecting 'Accept' to allow",
      ],
      ["501 for UNKNOWN", () => raw({ headers: { "Content-Type": "application/json" }, body: '{"type":"UNKNOWN"}' }), 501, ""],
      [
        "501 for a call not implemented yet",
        () => raw({ headers: { "Content-Type": "application/json" }, body: '{"type":"GET_LOGGING_LEVEL"}' }),
        501,
        "not supported yet",
      ],
      [
        "404 for an unknown agent",
        () =>
          raw({
            headers: { "Content-Type": "application/json" },
            body: '{"type":"MARK_AGENT_GONE","mark_agent_gone":{"agent_id":{"value":"nope"}}}',
          }),
        404,
        "Agent nope is not known",
      ],
    ])("%s", async (_, send, status, text) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(await res.text()).toContain(text);
    });
  });
});

test("operator HEARTBEATs every 15 s", async () => {
  const clock = new ManualClock();
  const stops: (() => unknown)[] = [];
  const m = await createInMemoryMaster((fn) => stops.push(fn), { clock });
  try {
    const s = await subscribeHttp("/api/v1", jsonCodec, { type: "SUBSCRIBE" }, {}, m.request);
    await s.next("SUBSCRIBED");
    clock.advance(15_000);
    await s.next("HEARTBEAT");
    clock.advance(15_000);
    await s.next("HEARTBEAT");
    s.close();
  } finally {
    for (const stop of stops) stop();
  }
});
