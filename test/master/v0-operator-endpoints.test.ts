/**
 * The v0 endpoints operators script against, as Mesos 1.8 answers them: `/master/reserve`,
 * `/master/unreserve`, `/master/create-volumes`, `/master/destroy-volumes` (form-encoded),
 * `/master/teardown`, `/master/quota` and `/master/weights` — success codes, 405 with `Allow` for
 * another method, 400 for missing fields and for an unknown agent. Master and agent in memory.
 */
import { expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { useCleanups } from "../support/cleanups.ts";
import { jsonCodec, post, subscribeHttp } from "../support/http-api.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

async function cluster() {
  const master = await createInMemoryMaster(cleanup);
  const agentId = await (await attachInMemoryAgent(master, cleanup, { flags: ["--resources=cpus:4;mem:4096;disk:1000"] })).registered;
  return { master, agentId };
}

const form = (master: InMemoryMaster, path: string, values: Record<string, string>, method = "POST") =>
  master.request(path, { method, headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(values).toString() });

async function answer(res: Response): Promise<[number, string]> {
  return [res.status, await res.text()];
}

const reserved = (name: string, value: number, extra: JsonObject = {}) => ({
  name,
  type: "SCALAR",
  scalar: { value },
  reservations: [{ type: "DYNAMIC", role: "ops", principal: "admin" }],
  ...extra,
});

async function agentTotal(master: InMemoryMaster): Promise<JsonObject[]> {
  const res = await post("/api/v1", jsonCodec, { type: "GET_AGENTS" }, {}, undefined, (u, i) => master.request(u, i));
  return ((await res.json()) as { get_agents: { agents: { total_resources: JsonObject[] }[] } }).get_agents.agents[0]!.total_resources;
}

test("reserve, create-volumes, destroy-volumes, unreserve: 202 each, and the agent's total follows", async () => {
  const { master, agentId } = await cluster();
  const resources = [reserved("cpus", 1), reserved("disk", 100)];
  expect((await form(master, "/master/reserve", { slaveId: agentId, resources: JSON.stringify(resources) })).status).toBe(202);
  expect(JSON.stringify(await agentTotal(master))).toContain('"principal":"admin"');

  const volume = reserved("disk", 100, { disk: { persistence: { id: "v1", principal: "admin" }, volume: { container_path: "data", mode: "RW" } } });
  expect((await form(master, "/master/create-volumes", { slaveId: agentId, volumes: JSON.stringify([volume]) })).status).toBe(202);
  expect(JSON.stringify(await agentTotal(master))).toContain('"id":"v1"');
  expect((await form(master, "/destroy-volumes", { slaveId: agentId, volumes: JSON.stringify([volume]) })).status).toBe(202);
  expect(JSON.stringify(await agentTotal(master))).not.toContain('"id":"v1"');

  expect((await form(master, "/master/unreserve", { slaveId: agentId, resources: JSON.stringify(resources) })).status).toBe(202);
  expect(JSON.stringify(await agentTotal(master))).not.toContain('"principal":"admin"');
});

test("the operation endpoints' errors: 405 with Allow, missing fields, malformed resources, an unknown agent (400)", async () => {
  const { master, agentId } = await cluster();
  const get = await master.request("/master/reserve");
  expect(get.headers.get("Allow")).toBe("POST");
  expect(await answer(get)).toEqual([405, "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'."]);
  expect(await answer(await form(master, "/master/reserve", { resources: "[]" }))).toEqual([
    400,
    "Missing 'slaveId' query parameter in the request body",
  ]);
  expect(await answer(await form(master, "/master/unreserve", { slaveId: agentId }))).toEqual([
    400,
    "Missing 'resources' query parameter in the request body",
  ]);
  expect(await answer(await form(master, "/master/create-volumes", { slaveId: agentId }))).toEqual([
    400,
    "Missing 'volumes' query parameter in the request body",
  ]);
  const bad = await answer(await form(master, "/master/reserve", { slaveId: agentId, resources: "{not json" }));
  expect(bad[0]).toBe(400);
  expect(bad[1]).toStartWith("Error in parsing 'resources' query parameter in the request body: ");
  expect(await answer(await form(master, "/master/reserve", { slaveId: "nope", resources: JSON.stringify([reserved("cpus", 1)]) }))).toEqual([
    400,
    "No agent found with specified ID",
  ]);
});

test("teardown: 200 for a framework, 400 for an unknown one, 405 for GET", async () => {
  const { master } = await cluster();
  const send = (u: string, i: RequestInit) => master.request(u, i);
  const stream = await subscribeHttp(
    "/api/v1/scheduler",
    jsonCodec,
    { type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "t" } } },
    {},
    send,
  );
  cleanup(() => stream.close());
  const id = (((await stream.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject).value as string;
  expect(await answer(await form(master, "/master/teardown", { frameworkId: id }))).toEqual([200, ""]);
  expect(master.ctx.frameworks.isCompleted(id)).toBe(true);
  expect(await answer(await form(master, "/master/teardown", { frameworkId: "nope" }))).toEqual([400, "No framework found with specified ID"]);
  expect(await answer(await form(master, "/master/teardown", {}))).toEqual([400, "Missing 'frameworkId' query parameter in the request body"]);
  expect((await master.request("/master/teardown")).status).toBe(405);
});

test("quota: POST a QuotaRequest, GET the status, DELETE /master/quota/<role>; other methods 405", async () => {
  const { master } = await cluster();
  const request = { role: "analytics", guarantee: [{ name: "cpus", type: "SCALAR", scalar: { value: 1 } }] };
  expect(await answer(await master.request("/master/quota", { method: "POST", body: JSON.stringify(request) }))).toEqual([200, ""]);
  const status = (await (await master.request("/master/quota")).json()) as { infos: JsonObject[] };
  expect(status.infos).toHaveLength(1);
  expect(status.infos[0]).toMatchObject({ role: "analytics", guarantee: [{ name: "cpus", scalar: { value: 1 } }] });
  expect(await answer(await master.request("/master/quota/analytics", { method: "DELETE" }))).toEqual([200, ""]);
  expect(((await (await master.request("/quota")).json()) as { infos?: JsonObject[] }).infos ?? []).toEqual([]);

  const put = await master.request("/master/quota", { method: "PUT", body: "{}" });
  expect(put.headers.get("Allow")).toBe("GET, POST");
  expect(put.status).toBe(405);
  const bad = await answer(await master.request("/master/quota", { method: "POST", body: "nope" }));
  expect(bad[0]).toBe(400);
  expect(bad[1]).toStartWith("Failed to parse set quota request JSON 'nope': ");
});

test("weights: PUT a list of WeightInfo, GET them back; 405 for POST", async () => {
  const { master } = await cluster();
  const res = await master.request("/master/weights", { method: "PUT", body: JSON.stringify([{ role: "a", weight: 2.5 }]) });
  expect(await answer(res)).toEqual([200, ""]);
  expect(await (await master.request("/master/weights")).json()).toEqual([{ role: "a", weight: 2.5 }]);
  const wrong = await master.request("/weights", { method: "POST", body: "[]" });
  expect(await answer(wrong)).toEqual([405, "405 Method Not Allowed. Expecting one of { 'GET', 'PUT' }, but received 'POST'."]);
});
