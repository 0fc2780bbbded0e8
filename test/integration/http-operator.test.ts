/**
 * The master's `POST /api/v1` over HTTP: calls in JSON and protobuf, the SUBSCRIBE event stream
 * (a task from added to finished, agents and frameworks coming and going, heartbeats, the cap on
 * subscribers) and the error statuses.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { ManualClock } from "@mesos/core";
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { master as operator, TaskState } from "@mesos/proto";
import { createTransport } from "@mesos/rpc";
import { eventually, startTestAgent, startTestMaster } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { type HttpCodec, jsonCodec, post, protobufCodec, subscribeHttp } from "../support/http-api.ts";

const pbCodec: HttpCodec = {
  ...protobufCodec(operator.CallSchema, operator.EventSchema),
  name: "protobuf",
};

describe.each([jsonCodec, pbCodec].map((c) => [c.name, c] as const))("SUBSCRIBE in %s", (_, codec) => {
  let m: RunningMaster;
  let agent: RunningAgent | undefined;
  beforeAll(async () => {
    m = await startTestMaster();
  });
  afterAll(async () => {
    await agent?.stop();
    await m.stop();
  });

  test("an operator sees an agent, a framework and a task from added to finished, then their removal", async () => {
    const stream = await subscribeHttp(`${m.url}/api/v1`, codec, { type: "SUBSCRIBE" });
    expect(stream.response.headers.get("Content-Type")).toBe(codec.mediaType);
    const subscribed = (await stream.next("SUBSCRIBED")).subscribed as JsonObject;
    expect(subscribed.heartbeat_interval_seconds).toBe(15);
    expect(subscribed.get_state).toBeDefined();

    agent = await startTestAgent(m);
    const agentId = await agent.registered;
    const added = (await stream.next("AGENT_ADDED")).agent_added as JsonObject;
    expect((added.agent as JsonObject).agent_info).toMatchObject({ id: { value: agentId } });

    const fw = await startTestFramework(m.url, { name: `ops-${codec.name}` });
    const fwAdded = (await stream.next("FRAMEWORK_ADDED")).framework_added as JsonObject;
    expect((fwAdded.framework as JsonObject).framework_info).toMatchObject({ name: `ops-${codec.name}`, id: { value: fw.sub.frameworkId } });

    const [offer] = await fw.nextOffers();
    await fw.sub.accept(
      [offer!.id!.value],
      [
        {
          type: 1,
          launch: {
            taskInfos: [
              {
                name: "watched",
                taskId: { value: "watched" },
                agentId: offer!.agentId,
                command: { value: "echo watched" },
                resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
              },
            ],
          },
        },
      ],
    );
    const taskAdded = ((await stream.next("TASK_ADDED")).task_added as JsonObject).task as JsonObject;
    expect(taskAdded).toMatchObject({ task_id: { value: "watched" }, state: "TASK_STAGING", framework_id: { value: fw.sub.frameworkId } });
    const isWatched = (e: JsonObject) => (((e.task_updated as JsonObject).status as JsonObject).task_id as JsonObject).value === "watched";
    const states: string[] = [];
    for (;;) {
      const updated = (await stream.next("TASK_UPDATED", isWatched)).task_updated as JsonObject;
      expect(updated.framework_id).toEqual({ value: fw.sub.frameworkId });
      states.push(updated.state as string);
      if (updated.state === "TASK_FINISHED") break;
    }
    // Each state once, in order (the agent may report RUNNING and FINISHED before STARTING is acknowledged).
    expect(states).toEqual([...new Set(states)]);
    expect(states.at(-1)).toBe("TASK_FINISHED");
    await fw.waitForStatus("watched", TaskState.TASK_FINISHED);

    // A task still running when its framework goes is killed by the master: subscribers hear of it.
    const [next] = await fw.nextOffers();
    await fw.sub.accept(
      [next!.id!.value],
      [
        {
          type: 1,
          launch: {
            taskInfos: [
              {
                name: "left",
                taskId: { value: "left" },
                agentId: next!.agentId,
                command: { value: "sleep 1000" },
                resources: [{ name: "cpus", type: 0, scalar: { value: 0.1 } }],
              },
            ],
          },
        },
      ],
    );
    await fw.waitForStatus("left", TaskState.TASK_RUNNING);
    await fw.sub.teardown();
    const killed = (await stream.next("TASK_UPDATED", (e) => (e.task_updated as JsonObject).state === "TASK_KILLED")).task_updated as JsonObject;
    expect((killed.status as JsonObject).task_id).toEqual({ value: "left" });
    expect((killed.status as JsonObject).reason).toBe("REASON_FRAMEWORK_REMOVED");
    const removed = (await stream.next("FRAMEWORK_REMOVED")).framework_removed as JsonObject;
    expect(removed.framework_info).toMatchObject({ id: { value: fw.sub.frameworkId } });

    const gone = await post(`${m.url}/api/v1`, codec, { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: { value: agentId } } });
    expect(gone.status).toBe(200);
    expect(((await stream.next("AGENT_REMOVED")).agent_removed as JsonObject).agent_id).toEqual({ value: agentId });
    stream.close();
    fw.close();
  });
});

describe("the operator API on one master", () => {
  let m: RunningMaster;
  beforeAll(async () => {
    m = await startTestMaster({ flags: ["--max_operator_event_stream_subscribers=2"] });
  });
  afterAll(async () => {
    await m.stop();
  });
  const api = () => `${m.url}/api/v1`;

  test("GET_HEALTH in JSON and in protobuf, as Accept asks", async () => {
    const res = await post(api(), jsonCodec, { type: "GET_HEALTH" });
    expect([res.status, res.headers.get("Content-Type")]).toEqual([200, "application/json"]);
    expect(await res.json()).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
    const pb = await fetch(api(), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/x-protobuf" },
      body: '{"type":"GET_VERSION"}',
    });
    expect(pb.headers.get("Content-Type")).toBe("application/x-protobuf");
    const decoded = protobufCodec(operator.CallSchema, operator.ResponseSchema).decode(new Uint8Array(await pb.arrayBuffer()));
    expect(decoded).toMatchObject({ type: "GET_VERSION", get_version: { version_info: { version: "1.8.0" } } });
  });

  test("GET_STATE, GET_ROLES and GET_METRICS answer", async () => {
    for (const type of ["GET_STATE", "GET_ROLES", "GET_METRICS", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS", "GET_MASTER", "GET_FLAGS"]) {
      const res = await post(api(), jsonCodec, { type });
      expect([type, res.status]).toEqual([type, 200]);
      expect(((await res.json()) as JsonObject).type).toBe(type);
    }
  });

  test("the oldest subscriber is closed past --max_operator_event_stream_subscribers", async () => {
    const streams = [];
    for (let i = 0; i < 3; i++) {
      const s = await subscribeHttp(api(), jsonCodec, { type: "SUBSCRIBE" });
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
    const stream = await subscribeHttp(api(), jsonCodec, { type: "SUBSCRIBE" });
    const first = await startTestFramework(m.url, { name: "again", failoverTimeout: 60 });
    await stream.next("FRAMEWORK_ADDED");
    const second = await startTestFramework(m.url, { name: "again", failoverTimeout: 60, id: { value: first.sub.frameworkId } });
    const updated = ((await stream.next("FRAMEWORK_UPDATED")).framework_updated as JsonObject).framework as JsonObject;
    expect(updated).toMatchObject({ framework_info: { id: { value: first.sub.frameworkId } }, connected: true, active: true });
    second.close();
    first.close();
    stream.close();
  });

  test("the Operator Connect service streams the same events", async () => {
    const client = createClient(operator.Operator, createTransport({ baseUrl: m.url }));
    const abort = new AbortController();
    const it = client.subscribe({ type: operator.Call_Type.SUBSCRIBE }, { signal: abort.signal })[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.type).toBe(operator.Event_Type.SUBSCRIBED);
    expect(first.value?.subscribed?.heartbeatIntervalSeconds).toBe(15);
    abort.abort();
  });

  describe("errors", () => {
    const raw = (init: RequestInit) => fetch(api(), { method: "POST", ...init });
    test.each<[string, () => Promise<Response>, number, string]>([
      ["405 for GET", () => fetch(api()), 405, "Expecting one of { 'POST' }"],
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
        () => raw({ headers: { "Content-Type": "application/json" }, body: '{"type":"GET_MAINTENANCE_STATUS"}' }),
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
  const m = await startTestMaster({ clock });
  try {
    const s = await subscribeHttp(`${m.url}/api/v1`, jsonCodec, { type: "SUBSCRIBE" });
    await s.next("SUBSCRIBED");
    clock.advance(15_000);
    await s.next("HEARTBEAT");
    clock.advance(15_000);
    await s.next("HEARTBEAT");
    s.close();
  } finally {
    await m.stop();
  }
});
