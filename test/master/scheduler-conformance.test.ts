/**
 * Mesos 1.8's scheduler API in the details frameworks written for it rely on, through the v1 HTTP
 * API with JSON bodies (as those frameworks speak it): AllocationInfo injected into ACCEPTed
 * operations (Master::accept), offers without AllocationInfo for pre-MULTI_ROLE frameworks,
 * a refused SUBSCRIBE as 200 + ERROR + end of stream, and SUBSCRIBED followed by a HEARTBEAT.
 * Master and agent in memory.
 */
import { describe, expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { ManualClock } from "@mesos/core";
import { useCleanups } from "../support/cleanups.ts";
import { type EventReader, jsonCodec, post, readEvents, subscribeHttp } from "../support/http-api.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const URL = "/api/v1/scheduler";

interface HttpFramework {
  stream: EventReader;
  frameworkId: JsonObject;
  call(body: JsonObject): Promise<Response>;
  nextOffer(): Promise<JsonObject>;
}

async function subscribe(master: InMemoryMaster, info: JsonObject): Promise<HttpFramework> {
  const send = (url: string, init: RequestInit) => master.request(url, init);
  const stream = await subscribeHttp(URL, jsonCodec, { type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", ...info } } }, {}, send);
  cleanup(() => stream.close());
  const streamId = stream.response.headers.get("Mesos-Stream-Id")!;
  const id = ((await stream.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject;
  return {
    stream,
    frameworkId: id,
    call: (body) => post(URL, jsonCodec, { framework_id: id, ...body }, { "Mesos-Stream-Id": streamId }, undefined, send),
    nextOffer: async () => ((await stream.next("OFFERS")).offers as { offers: JsonObject[] }).offers[0]!,
  };
}

async function cluster(resources = "cpus:4;mem:4096;disk:10000") {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  await (await attachInMemoryAgent(master, cleanup, { flags: [`--resources=${resources}`] })).registered;
  return master;
}

const scalar = (name: string, value: number, extra: JsonObject = {}): JsonObject => ({ name, type: "SCALAR", scalar: { value }, ...extra });
const MULTI_ROLE = { capabilities: [{ type: "MULTI_ROLE" }, { type: "RESERVATION_REFINEMENT" }] };

function accept(fw: HttpFramework, offer: JsonObject, operations: JsonObject[]) {
  return fw.call({ type: "ACCEPT", accept: { offer_ids: [offer.id!], operations, filters: { refuse_seconds: 0 } } });
}

function taskInfo(id: string, offer: JsonObject, resources: JsonObject[]): JsonObject {
  return { name: id, task_id: { value: id }, agent_id: offer.agent_id!, command: { value: "true" }, resources };
}

describe("point 1: ACCEPT injects the offer's AllocationInfo where the framework left it out", () => {
  test.each([
    ["MULTI_ROLE", { roles: ["web"], ...MULTI_ROLE }],
    ["single-role", { role: "web" }],
  ])("%s framework: RESERVE and LAUNCH without allocation_info succeed", async (_, roles) => {
    const master = await cluster();
    const fw = await subscribe(master, { name: "no-allocation-info", ...roles });
    const offer = await fw.nextOffer();
    // Each in the format the framework speaks: with or without RESERVATION_REFINEMENT.
    const reserved = [
      "roles" in roles
        ? scalar("cpus", 1, { reservations: [{ type: "DYNAMIC", role: "web", principal: "p" }] })
        : scalar("cpus", 1, { role: "web", reservation: { principal: "p" } }),
    ];
    expect((await accept(fw, offer, [{ type: "RESERVE", reserve: { resources: reserved } }])).status).toBe(202);

    const next = await fw.stream.next("OFFERS", (e) => JSON.stringify(e).includes('"principal":"p"'));
    const offer2 = (next.offers as { offers: JsonObject[] }).offers[0]!;
    const res = await accept(fw, offer2, [
      { type: "LAUNCH", launch: { task_infos: [taskInfo("t1", offer2, [scalar("cpus", 0.5), scalar("mem", 32)])] } },
    ]);
    expect(res.status).toBe(202);
    const update = await fw.stream.next("UPDATE");
    expect((update.update as JsonObject).status).toMatchObject({ task_id: { value: "t1" }, state: "TASK_STARTING" });
  });

  test("LAUNCH_GROUP: the executor's and the tasks' resources get it too", async () => {
    const master = await cluster();
    const fw = await subscribe(master, { name: "group", roles: ["*"], ...MULTI_ROLE });
    const offer = await fw.nextOffer();
    const res = await accept(fw, offer, [
      {
        type: "LAUNCH_GROUP",
        launch_group: {
          executor: {
            type: "DEFAULT",
            executor_id: { value: "e1" },
            framework_id: fw.frameworkId,
            resources: [scalar("cpus", 0.1), scalar("mem", 32), scalar("disk", 10)],
          },
          task_group: { tasks: [taskInfo("g1", offer, [scalar("cpus", 0.5), scalar("mem", 32)])] },
        },
      },
    ]);
    expect(res.status).toBe(202);
    const update = await fw.stream.next("UPDATE");
    expect((update.update as JsonObject).status).toMatchObject({ task_id: { value: "g1" }, state: "TASK_STARTING" });
  });

  test("offers of two roles in one ACCEPT are refused with Mesos's message", async () => {
    const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
    await (await attachInMemoryAgent(master, cleanup, { flags: ["--resources=cpus(a):1;mem(a):64;cpus(b):1;mem(b):64"] })).registered;
    const fw = await subscribe(master, { name: "two-roles", roles: ["a", "b"], ...MULTI_ROLE });
    const offers: JsonObject[] = [];
    while (offers.length < 2) offers.push(...((await fw.stream.next("OFFERS")).offers as { offers: JsonObject[] }).offers);
    const res = await fw.call({
      type: "ACCEPT",
      accept: {
        offer_ids: offers.map((o) => o.id!),
        operations: [{ type: "LAUNCH", launch: { task_infos: [taskInfo("x", offers[0]!, [scalar("cpus", 0.5)])] } }],
      },
    });
    expect(res.status).toBe(202);
    const status = ((await fw.stream.next("UPDATE")).update as JsonObject).status as JsonObject;
    expect(status.state).toBe("TASK_LOST");
    expect(status.message).toContain("Aggregated offers must be allocated to the same role");
  });
});

describe("point 6: a task group whose executor falls short of Mesos's minimums", () => {
  test.each<[string, JsonObject[], string]>([
    ["no disk", [scalar("cpus", 0.1), scalar("mem", 32)], "Executor 'e' uses no disk"],
    [
      "too little memory",
      [scalar("cpus", 0.1), scalar("mem", 16), scalar("disk", 10)],
      "Executor 'e' uses less memory (16MB) than the minimum required (32MB)",
    ],
    ["no cpus", [scalar("mem", 32), scalar("disk", 10)], "Executor 'e' uses less CPUs (None) than the minimum required (0.01)"],
  ])("%s: TASK_ERROR, REASON_TASK_GROUP_INVALID, SOURCE_MASTER", async (_, resources, message) => {
    const master = await cluster();
    const fw = await subscribe(master, { name: "group", roles: ["*"], ...MULTI_ROLE });
    const offer = await fw.nextOffer();
    const executor = { type: "DEFAULT", executor_id: { value: "e" }, framework_id: fw.frameworkId, resources };
    const tasks = [taskInfo("a", offer, [scalar("cpus", 0.1), scalar("mem", 32)]), taskInfo("b", offer, [scalar("cpus", 0.1), scalar("mem", 32)])];
    await accept(fw, offer, [{ type: "LAUNCH_GROUP", launch_group: { executor, task_group: { tasks } } }]);
    for (const id of ["a", "b"]) {
      const update = await fw.stream.next("UPDATE", (e) => JSON.stringify(e).includes(`"task_id":{"value":"${id}"}`));
      expect((update.update as JsonObject).status).toMatchObject({
        state: "TASK_ERROR",
        reason: "REASON_TASK_GROUP_INVALID",
        source: "SOURCE_MASTER",
        message,
      });
    }
  });
});

describe("point 2: what an offer carries", () => {
  test("a framework without MULTI_ROLE sees no allocation_info on the offer or its resources", async () => {
    const master = await cluster();
    const fw = await subscribe(master, { name: "old", role: "*" });
    const offer = await fw.nextOffer();
    expect(offer.allocation_info).toBeUndefined();
    for (const r of offer.resources as JsonObject[]) expect(r.allocation_info).toBeUndefined();
    // Without RESERVATION_REFINEMENT, unreserved resources come in the pre-refinement format: role "*".
    for (const r of offer.resources as JsonObject[]) expect(`${r.role} ${r.reservations}`).toBe("* undefined");
    // The master still knows the role it offered to (the operator API shows it).
    const state = (await (await master.request("/master/state")).json()) as { frameworks: { offers: JsonObject[] }[] };
    expect(state.frameworks[0]!.offers[0]!.allocation_info).toEqual({ role: "*" });
  });

  test("a MULTI_ROLE framework sees it on both", async () => {
    const master = await cluster();
    const fw = await subscribe(master, { name: "new", roles: ["*"], ...MULTI_ROLE });
    const offer = await fw.nextOffer();
    expect(offer.allocation_info).toEqual({ role: "*" });
    for (const r of offer.resources as JsonObject[]) expect(r.allocation_info).toEqual({ role: "*" });
  });
});

describe("point 3: a SUBSCRIBE the master refuses answers 200, then ERROR, then the stream ends", () => {
  test.each<[string, JsonObject, JsonObject, string]>([
    ["role with MULTI_ROLE", { role: "a", ...MULTI_ROLE }, {}, "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"],
    ["roles without MULTI_ROLE", { roles: ["a"] }, {}, "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable"],
    ["duplicate roles", { roles: ["a", "a"], ...MULTI_ROLE }, {}, "'FrameworkInfo.roles' contains duplicate items: { a }"],
    ["invalid roles", { roles: ["a/"], ...MULTI_ROLE }, {}, "'FrameworkInfo.roles' contains invalid role: Role 'a/' cannot end with a slash"],
    ["an invalid role", { role: "-x" }, {}, "'FrameworkInfo.role' is not a valid role: Role component '-x' is invalid because it starts with a dash"],
    [
      "a suppressed role not in roles",
      { roles: ["a"], ...MULTI_ROLE },
      { suppressed_roles: ["b"] },
      "Suppressed role 'b' is not contained in the list of roles",
    ],
    [
      "empty min_allocatable_resources quantities",
      { roles: ["a"], ...MULTI_ROLE, offer_filters: { a: { min_allocatable_resources: { quantities: [{}] } } } },
      {},
      "Resource quantities must contain at least one quantity",
    ],
    [
      "a negative min_allocatable_resources quantity",
      { roles: ["a"], ...MULTI_ROLE, offer_filters: { a: { min_allocatable_resources: { quantities: [{ quantities: { cpus: { value: -1 } } }] } } } },
      {},
      "Invalid resource quantity for 'cpus': Negative values not supported",
    ],
  ])("%s", async (_, info, extra, message) => {
    const master = await createInMemoryMaster(cleanup);
    const res = await post(
      URL,
      jsonCodec,
      { type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "bad", ...info }, ...extra } },
      {},
      undefined,
      (u, i) => master.request(u, i),
    );
    expect(res.status).toBe(200);
    const reader = readEvents(res, jsonCodec, new AbortController());
    expect(await reader.ended).toBeUndefined();
    expect(reader.events).toEqual([{ type: "ERROR", error: { message } }]);
    expect([...master.ctx.frameworks.values()]).toEqual([]);
  });

  test("the id of a framework that was torn down", async () => {
    const master = await createInMemoryMaster(cleanup);
    const fw = await subscribe(master, { name: "gone" });
    expect((await fw.call({ type: "TEARDOWN" })).status).toBe(202);
    await fw.stream.ended;
    const res = await post(
      URL,
      jsonCodec,
      { type: "SUBSCRIBE", framework_id: fw.frameworkId, subscribe: { framework_info: { user: "u", name: "gone", id: fw.frameworkId } } },
      {},
      undefined,
      (u, i) => master.request(u, i),
    );
    expect(res.status).toBe(200);
    const reader = readEvents(res, jsonCodec, new AbortController());
    await reader.ended;
    expect(reader.events).toEqual([{ type: "ERROR", error: { message: "Framework has been removed" } }]);
  });

  test("a malformed call is still a 400", async () => {
    const master = await createInMemoryMaster(cleanup);
    const res = await post(
      URL,
      jsonCodec,
      { type: "SUBSCRIBE", framework_id: { value: "x" }, subscribe: { framework_info: { user: "u", name: "n" } } },
      {},
      undefined,
      (u, i) => master.request(u, i),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("'framework_id' differs from 'subscribe.framework_info.id'");
  });
});

test("point 4: SUBSCRIBED, then a HEARTBEAT at once, then one every 15 s", async () => {
  const clock = new ManualClock();
  const master = await createInMemoryMaster(cleanup, { clock });
  const fw = await subscribe(master, { name: "beats" });
  await fw.stream.next("HEARTBEAT");
  expect(fw.stream.events.map((e) => e.type)).toEqual(["SUBSCRIBED", "HEARTBEAT"]);
  clock.advance(14_000);
  await Bun.sleep(50);
  expect(fw.stream.events).toHaveLength(2);
  clock.advance(1_000);
  await fw.stream.next("HEARTBEAT");
  clock.advance(15_000);
  await fw.stream.next("HEARTBEAT");
  expect(fw.stream.events.map((e) => e.type)).toEqual(["SUBSCRIBED", "HEARTBEAT", "HEARTBEAT", "HEARTBEAT"]);
});

describe("point 7: losing an agent", () => {
  async function runningTask(capabilities: JsonObject[]) {
    const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
    const agentId = await (await attachInMemoryAgent(master, cleanup)).registered;
    const fw = await subscribe(master, { name: "loses-agent", roles: ["*"], capabilities });
    const offer = await fw.nextOffer();
    await accept(fw, offer, [{ type: "LAUNCH", launch: { task_infos: [taskInfo("t", offer, [scalar("cpus", 0.5), scalar("mem", 32)])] } }]);
    await fw.stream.next("UPDATE", (e) => JSON.stringify(e).includes("TASK_STARTING"));
    const markGone = () =>
      post("/api/v1", jsonCodec, { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: { value: agentId } } }, {}, undefined, (u, i) =>
        master.request(u, i),
      );
    return { master, agentId, fw, markGone };
  }

  test("MARK_AGENT_GONE: TASK_LOST with REASON_AGENT_REMOVED, then FAILURE with only the agent id; again: 200", async () => {
    const { agentId, fw, markGone } = await runningTask([{ type: "MULTI_ROLE" }]);
    expect((await markGone()).status).toBe(200);
    const lost = ((await fw.stream.next("UPDATE", (e) => JSON.stringify(e).includes("TASK_LOST"))).update as JsonObject).status;
    expect(lost).toMatchObject({
      state: "TASK_LOST",
      reason: "REASON_AGENT_REMOVED",
      source: "SOURCE_MASTER",
      message: "Agent has been marked gone",
    });
    const failure = await fw.stream.next("FAILURE");
    expect(failure).toEqual({ type: "FAILURE", failure: { agent_id: { value: agentId } } });
    expect(fw.stream.events.indexOf(failure)).toBeGreaterThan(fw.stream.events.findIndex((e) => JSON.stringify(e).includes("TASK_LOST")));
    const again = await markGone();
    expect(again.status).toBe(200);
  });

  test("a partition-aware framework hears TASK_GONE_BY_OPERATOR with REASON_AGENT_REMOVED_BY_OPERATOR", async () => {
    const { fw, markGone } = await runningTask([{ type: "MULTI_ROLE" }, { type: "PARTITION_AWARE" }]);
    expect((await markGone()).status).toBe(200);
    const gone = ((await fw.stream.next("UPDATE", (e) => JSON.stringify(e).includes("TASK_GONE_BY_OPERATOR"))).update as JsonObject).status;
    expect(gone).toMatchObject({ reason: "REASON_AGENT_REMOVED_BY_OPERATOR" });
    await fw.stream.next("FAILURE");
  });

  test("an unreachable agent marked gone: no new update or FAILURE; its unreachable tasks reconcile as TASK_GONE_BY_OPERATOR", async () => {
    const master = await createInMemoryMaster(cleanup, {
      flags: ["--allocation_interval=20ms", "--agent_ping_timeout=30ms", "--max_agent_ping_timeouts=2"],
    });
    const linked = await attachInMemoryAgent(master, cleanup);
    const agentId = await linked.registered;
    const fw = await subscribe(master, {
      name: "partition-aware",
      roles: ["*"],
      capabilities: [{ type: "MULTI_ROLE" }, { type: "PARTITION_AWARE" }],
    });
    const offer = await fw.nextOffer();
    await accept(fw, offer, [{ type: "LAUNCH", launch: { task_infos: [taskInfo("t", offer, [scalar("cpus", 0.5), scalar("mem", 32)])] } }]);
    await fw.stream.next("UPDATE", (e) => JSON.stringify(e).includes("TASK_STARTING"));
    linked.link.stop();
    linked.agent.stop();
    await fw.stream.next("UPDATE", (e) => JSON.stringify(e).includes("TASK_UNREACHABLE"));
    expect(await fw.stream.next("FAILURE")).toEqual({ type: "FAILURE", failure: { agent_id: { value: agentId } } });
    const seen = fw.stream.events.length;
    const markGone = await post(
      "/api/v1",
      jsonCodec,
      { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: { value: agentId } } },
      {},
      undefined,
      (u, i) => master.request(u, i),
    );
    expect(markGone.status).toBe(200);
    expect((await fw.call({ type: "RECONCILE", reconcile: { tasks: [{ task_id: { value: "t" }, agent_id: { value: agentId } }] } })).status).toBe(
      202,
    );
    const reconciled = ((await fw.stream.next("UPDATE", (e) => JSON.stringify(e).includes("REASON_RECONCILIATION"))).update as JsonObject).status;
    expect(reconciled).toMatchObject({ state: "TASK_GONE_BY_OPERATOR", message: "Reconciliation: Task is gone" });
    expect(fw.stream.events.slice(seen).map((e) => e.type)).toEqual(["UPDATE"]);
  });

  test("MARK_AGENT_GONE of an agent nobody knows: 404 with Mesos's message", async () => {
    const master = await createInMemoryMaster(cleanup);
    const res = await post(
      "/api/v1",
      jsonCodec,
      { type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: { value: "nope" } } },
      {},
      undefined,
      (u, i) => master.request(u, i),
    );
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("Agent 'nope' not found");
  });
});
