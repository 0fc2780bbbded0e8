/**
 * Executors as Mesos 1.8's master tracks them: a task group's executor is listed by GET_EXECUTORS,
 * GET_STATE and /state and in offers' `executor_ids` while it runs; the scheduler's SHUTDOWN reaches
 * the agent, which kills the executor's tasks; the framework then gets FAILURE with the agent, the
 * executor and its status, and the executor's resources are free again. Master and agent in memory
 * (simulated containers), the framework on the v1 HTTP API with JSON.
 */
import { expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { eventually } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { jsonCodec, post, subscribeHttp } from "../support/http-api.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } });

async function operator(master: InMemoryMaster, call: JsonObject): Promise<JsonObject> {
  const res = await post("/api/v1", jsonCodec, call, {}, undefined, (u, i) => master.request(u, i));
  expect(res.status).toBe(200);
  return (await res.json()) as JsonObject;
}

async function groupRunning() {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const linked = await attachInMemoryAgent(master, cleanup, { flags: ["--resources=cpus:2;mem:1024;disk:1000"] });
  const agentId = await linked.registered;
  const send = (u: string, i: RequestInit) => master.request(u, i);
  const framework_info = { user: "root", name: "executors", roles: ["*"], capabilities: [{ type: "MULTI_ROLE" }] };
  const stream = await subscribeHttp("/api/v1/scheduler", jsonCodec, { type: "SUBSCRIBE", subscribe: { framework_info } }, {}, send);
  cleanup(() => stream.close());
  const frameworkId = ((await stream.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject;
  const streamId = stream.response.headers.get("Mesos-Stream-Id")!;
  const call = (body: JsonObject) =>
    post("/api/v1/scheduler", jsonCodec, { framework_id: frameworkId, ...body }, { "Mesos-Stream-Id": streamId }, undefined, send);
  const offer = ((await stream.next("OFFERS")).offers as { offers: JsonObject[] }).offers[0]!;
  expect(offer.executor_ids).toBeUndefined();
  const executor = {
    type: "DEFAULT",
    executor_id: { value: "e1" },
    framework_id: frameworkId,
    resources: [scalar("cpus", 0.5), scalar("mem", 64), scalar("disk", 100)],
  };
  const task = (id: string) => ({
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id!,
    command: { value: "sleep 1000" },
    resources: [scalar("cpus", 0.5), scalar("mem", 64)],
  });
  const res = await call({
    type: "ACCEPT",
    accept: {
      offer_ids: [offer.id!],
      operations: [{ type: "LAUNCH_GROUP", launch_group: { executor, task_group: { tasks: [task("a"), task("b")] } } }],
      filters: { refuse_seconds: 0 },
    },
  });
  expect(res.status).toBe(202);
  // Acknowledge every update, as a framework does (the agent sends a task's next update only then).
  let acked = 0;
  const acknowledging = setInterval(() => {
    for (const e of stream.events.slice(acked)) {
      const status = (e.update as JsonObject | undefined)?.status as JsonObject | undefined;
      if (!status?.uuid) continue;
      void call({ type: "ACKNOWLEDGE", acknowledge: { agent_id: status.agent_id!, task_id: status.task_id!, uuid: status.uuid } });
    }
    acked = stream.events.length;
  }, 10);
  cleanup(() => clearInterval(acknowledging));
  const running = (id: string) => (e: JsonObject) => JSON.stringify(e).includes(`"value":"${id}"`) && JSON.stringify(e).includes("TASK_RUNNING");
  for (const id of ["a", "b"]) await stream.next("UPDATE", running(id));
  return { master, linked, agentId, stream, call, frameworkId };
}

test("a running task group's executor: GET_EXECUTORS, GET_STATE, /state and the next offer's executor_ids", async () => {
  const { master, agentId, stream, frameworkId } = await groupRunning();
  const executors = (await operator(master, { type: "GET_EXECUTORS" })).get_executors as JsonObject;
  expect(executors.executors).toEqual([
    {
      executor_info: {
        type: "DEFAULT",
        executor_id: { value: "e1" },
        framework_id: frameworkId,
        resources: [
          { ...scalar("cpus", 0.5), allocation_info: { role: "*" } },
          { ...scalar("mem", 64), allocation_info: { role: "*" } },
          { ...scalar("disk", 100), allocation_info: { role: "*" } },
        ],
      },
      agent_id: { value: agentId },
    },
  ]);
  const state = (await operator(master, { type: "GET_STATE" })).get_state as JsonObject;
  expect(state.get_executors).toEqual(executors);

  const v0 = (await (await master.request("/master/state")).json()) as { frameworks: { executors: JsonObject[]; used_resources: JsonObject }[] };
  expect(v0.frameworks[0]!.executors).toEqual([
    {
      executor_id: "e1",
      name: "",
      framework_id: frameworkId.value!,
      command: {},
      resources: { cpus: 0.5, gpus: 0, mem: 64, disk: 100 },
      role: "*",
      slave_id: agentId,
    },
  ]);
  // The framework's use counts the executor's resources as Mesos does.
  expect(v0.frameworks[0]!.used_resources).toMatchObject({ cpus: 1.5, mem: 192, disk: 100 });

  // The offer made after the launch (the rest of the agent) lists the executor.
  const later = await eventually(() => stream.events.filter((e) => e.type === "OFFERS")[1], 5000, "a second offer");
  expect((later.offers as { offers: JsonObject[] }).offers[0]!.executor_ids).toEqual([{ value: "e1" }]);
});

test("SHUTDOWN: the agent kills the executor's tasks, then FAILURE names agent, executor and status; its resources are free", async () => {
  const { master, agentId, stream, call } = await groupRunning();
  expect((await call({ type: "SHUTDOWN", shutdown: { executor_id: { value: "e1" }, agent_id: { value: agentId } } })).status).toBe(202);
  const killed = (id: string) => (e: JsonObject) => JSON.stringify(e).includes(`"value":"${id}"`) && JSON.stringify(e).includes("TASK_KILLED");
  // The kills' updates and the executor's exit travel separately (as in Mesos): no order between them.
  await eventually(() => ["a", "b"].every((id) => stream.events.some(killed(id))), 5000, "both tasks killed");
  const failure = await eventually(() => stream.events.find((e) => e.type === "FAILURE"), 5000, "the FAILURE event");
  expect(failure).toEqual({ type: "FAILURE", failure: { agent_id: { value: agentId }, executor_id: { value: "e1" }, status: 0 } });
  expect(((await operator(master, { type: "GET_EXECUTORS" })).get_executors as JsonObject).executors).toBeUndefined();
  // Everything comes back to the agent's pool: nothing is left allocated.
  await eventually(
    async () => {
      const agents = ((await operator(master, { type: "GET_AGENTS" })).get_agents as { agents: JsonObject[] }).agents;
      return agents[0]!.allocated_resources === undefined;
    },
    5000,
    "the executor's resources to be free",
  );
}, 30_000);

test("an executor whose tasks all end on their own: FAILURE with its id", async () => {
  const { linked, stream } = await groupRunning();
  for (const task of linked.agent.ctx.tasks.values()) linked.containerizer.exit(task.containerId, 0);
  const failure = await stream.next("FAILURE");
  expect((failure.failure as JsonObject).executor_id).toEqual({ value: "e1" });
});
