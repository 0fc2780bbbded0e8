/**
 * Mesos 1.8's operator API (`POST /api/v1`, JSON) in the details tools rely on: TEARDOWN, the
 * logging level (master and agent), and Mesos's call validation — a call without the payload its
 * type takes is a 400 naming the field, even for a call this master does not serve.
 * Master (and agent) in memory; the master's clock is manual where time matters.
 */
import { describe, expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { ManualClock } from "@mesos/core";
import { useCleanups } from "../support/cleanups.ts";
import { createInMemoryAgent } from "../support/in-memory-agent.ts";
import { jsonCodec, post, subscribeHttp } from "../support/http-api.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

const call = (master: InMemoryMaster, body: JsonObject) => post("/api/v1", jsonCodec, body, {}, undefined, (u, i) => master.request(u, i));

describe("point 9: calls Mesos serves", () => {
  test("TEARDOWN removes a framework (200); an unknown one is a 400 with Mesos's message", async () => {
    const master = await createInMemoryMaster(cleanup);
    const send = (u: string, i: RequestInit) => master.request(u, i);
    const stream = await subscribeHttp(
      "/api/v1/scheduler",
      jsonCodec,
      { type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "x" } } },
      {},
      send,
    );
    cleanup(() => stream.close());
    const id = ((await stream.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject;

    const res = await call(master, { type: "TEARDOWN", teardown: { framework_id: id } });
    expect(res.status).toBe(200);
    expect(master.ctx.frameworks.get(id.value as string)).toBeUndefined();
    expect(master.ctx.frameworks.isCompleted(id.value as string)).toBe(true);
    expect(await stream.ended).toBeUndefined();

    const unknown = await call(master, { type: "TEARDOWN", teardown: { framework_id: { value: "nope" } } });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toBe("No framework found with specified ID");
  });

  test("GET_LOGGING_LEVEL and SET_LOGGING_LEVEL: the level holds for the duration, then reverts", async () => {
    const clock = new ManualClock();
    const master = await createInMemoryMaster(cleanup, { clock });
    const level = async () => ((await (await call(master, { type: "GET_LOGGING_LEVEL" })).json()) as JsonObject).get_logging_level;
    expect(await level()).toEqual({ level: 0 });
    const set = await call(master, { type: "SET_LOGGING_LEVEL", set_logging_level: { level: 2, duration: { nanoseconds: 60_000_000_000 } } });
    expect(set.status).toBe(200);
    expect(await level()).toEqual({ level: 2 });
    clock.advance(59_000);
    expect(await level()).toEqual({ level: 2 });
    clock.advance(1_000);
    expect(await level()).toEqual({ level: 0 });
  });

  test("the agent's GET_LOGGING_LEVEL and SET_LOGGING_LEVEL", async () => {
    const agent = await createInMemoryAgent();
    cleanup(() => agent.stop());
    const agentCall = (body: JsonObject) =>
      agent.app.request("/api/v1", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
    expect((await agentCall({ type: "SET_LOGGING_LEVEL", set_logging_level: { level: 1, duration: { nanoseconds: 1_000_000_000 } } })).status).toBe(
      200,
    );
    expect(await (await agentCall({ type: "GET_LOGGING_LEVEL" })).json()).toEqual({ type: "GET_LOGGING_LEVEL", get_logging_level: { level: 1 } });
  });
});

describe("point 9: a call without its payload is a 400 naming the field", () => {
  test.each([
    "SET_LOGGING_LEVEL",
    "LIST_FILES",
    "READ_FILE",
    "GET_METRICS",
    "UPDATE_WEIGHTS",
    "RESERVE_RESOURCES",
    "UNRESERVE_RESOURCES",
    "CREATE_VOLUMES",
    "DESTROY_VOLUMES",
    "GROW_VOLUME",
    "SHRINK_VOLUME",
    "UPDATE_MAINTENANCE_SCHEDULE",
    "START_MAINTENANCE",
    "STOP_MAINTENANCE",
    "UPDATE_QUOTA",
    "SET_QUOTA",
    "REMOVE_QUOTA",
    "TEARDOWN",
    "MARK_AGENT_GONE",
  ])("%s", async (type) => {
    const master = await createInMemoryMaster(cleanup);
    const res = await call(master, { type });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(`Failed to validate master::Call: Expecting '${type.toLowerCase()}' to be present`);
  });

  test("GROW_VOLUME without an agent: Mesos's message", async () => {
    const master = await createInMemoryMaster(cleanup);
    const volume = { name: "disk", type: "SCALAR", scalar: { value: 1 } };
    const res = await call(master, { type: "GROW_VOLUME", grow_volume: { volume, addition: volume } });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(
      "Failed to validate master::Call: Expecting 'agent_id' to be present; only agent default resources are supported right now",
    );
  });
});

describe("point 8: resources in Mesos's ENDPOINT format", () => {
  test("GET_AGENTS, GET_FRAMEWORKS and /master/slaves' *_full fields: role '*' or the reservation's, reservation and allocation_info", async () => {
    const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
    const agentId = await (await attachInMemoryAgent(master, cleanup, { flags: ["--resources=cpus:2;mem:256"] })).registered;
    const reservation = { type: "DYNAMIC", role: "ops", principal: "admin" };
    const reserve = await call(master, {
      type: "RESERVE_RESOURCES",
      reserve_resources: {
        agent_id: { value: agentId },
        resources: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 }, reservations: [reservation] }],
      },
    });
    expect(reserve.status).toBe(202);

    const agents = ((await (await call(master, { type: "GET_AGENTS" })).json()) as { get_agents: { agents: { total_resources: JsonObject[] }[] } })
      .get_agents;
    const cpus = agents.agents[0]!.total_resources.filter((r) => r.name === "cpus");
    expect(cpus).toContainEqual({ name: "cpus", type: "SCALAR", scalar: { value: 1 }, role: "*" });
    expect(cpus).toContainEqual({
      name: "cpus",
      type: "SCALAR",
      scalar: { value: 1 },
      role: "ops",
      reservation: { principal: "admin" },
      reservations: [reservation],
    });

    const slaves = (await (await master.request("/master/slaves")).json()) as { slaves: JsonObject[] };
    const full = slaves.slaves[0]!;
    expect((full.reserved_resources_full as Record<string, JsonObject[]>).ops).toEqual([
      { name: "cpus", type: "SCALAR", scalar: { value: 1 }, role: "ops", reservation: { principal: "admin" }, reservations: [reservation] },
    ]);
    expect((full.unreserved_resources_full as JsonObject[]).every((r) => r.role === "*")).toBe(true);

    // A framework's offered resources carry their allocation_info as well.
    const send = (u: string, i: RequestInit) => master.request(u, i);
    const framework_info = { user: "u", name: "f", roles: ["ops"], capabilities: [{ type: "MULTI_ROLE" }] };
    const stream = await subscribeHttp("/api/v1/scheduler", jsonCodec, { type: "SUBSCRIBE", subscribe: { framework_info } }, {}, send);
    cleanup(() => stream.close());
    await stream.next("OFFERS");
    const frameworks = ((await (await call(master, { type: "GET_FRAMEWORKS" })).json()) as { get_frameworks: { frameworks: JsonObject[] } })
      .get_frameworks.frameworks;
    const offered = frameworks[0]!.offered_resources as JsonObject[];
    expect(offered).toContainEqual({
      name: "cpus",
      type: "SCALAR",
      scalar: { value: 1 },
      role: "ops",
      reservation: { principal: "admin" },
      reservations: [reservation],
      allocation_info: { role: "ops" },
    });
    expect(offered.find((r) => r.name === "mem")).toMatchObject({ role: "*", allocation_info: { role: "ops" } });
  });
});

describe("point 11: what /state, /version and /master/roles carry", () => {
  test("/master/flags and GET_FLAGS list Mesos's flags, the authentication flags too (false)", async () => {
    const master = await createInMemoryMaster(cleanup);
    const v0 = ((await (await master.request("/master/flags")).json()) as { flags: Record<string, string> }).flags;
    const v1 = ((await (await call(master, { type: "GET_FLAGS" })).json()) as { get_flags: { flags: { name: string; value: string }[] } }).get_flags
      .flags;
    const expected = {
      authenticate_frameworks: "false",
      authenticate_agents: "false",
      authenticate_http_readwrite: "false",
      authenticate_http_readonly: "false",
      authenticate_http_frameworks: "false",
      authenticators: "crammd5",
      authorizers: "local",
      registry_fetch_timeout: "1mins",
      registry_store_timeout: "20secs",
      registry_max_agent_age: "2weeks",
      max_unreachable_tasks_per_framework: "1000",
      max_completed_frameworks: "50",
      allocation_interval: "1secs",
    };
    expect(v0).toMatchObject(expected);
    expect(Object.fromEntries(v1.map((f) => [f.name, f.value]))).toMatchObject(expected);
  });

  test("/state: build_time (a number), capabilities, recovered_slaves; /version: build_date, build_time, build_user", async () => {
    const master = await createInMemoryMaster(cleanup);
    const state = (await (await master.request("/master/state")).json()) as JsonObject;
    expect(typeof state.build_time).toBe("number");
    expect(state.capabilities).toEqual(["AGENT_UPDATE"]);
    expect(state.recovered_slaves).toEqual([]);
    const version = (await (await master.request("/version")).json()) as JsonObject;
    expect(Object.keys(version)).toEqual(expect.arrayContaining(["version", "build_date", "build_time", "build_user"]));
    expect(typeof version.build_time).toBe("number");
    const info = ((await (await call(master, { type: "GET_MASTER" })).json()) as { get_master: { master_info: JsonObject } }).get_master.master_info;
    expect(info.capabilities).toEqual([{ type: "AGENT_UPDATE" }]);
  });

  test("/master/roles shows a role's quota as Mesos models it", async () => {
    const master = await createInMemoryMaster(cleanup);
    await (await attachInMemoryAgent(master, cleanup)).registered;
    const set = await call(master, {
      type: "SET_QUOTA",
      set_quota: { quota_request: { role: "dev", guarantee: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }] } },
    });
    expect(set.status).toBe(200);
    const roles = (await (await master.request("/master/roles")).json()) as { roles: JsonObject[] };
    expect(roles.roles.find((r) => r.name === "dev")).toEqual({
      name: "dev",
      weight: 1,
      quota: { guarantee: { cpus: 1, disk: 0, gpus: 0, mem: 0 }, role: "dev" },
      frameworks: [],
      resources: { cpus: 0, disk: 0, gpus: 0, mem: 0 },
    });
  });
});
