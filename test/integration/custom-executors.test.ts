/**
 * Custom executors and framework messages, as Mesos 1.8 runs them: a framework LAUNCHes a task
 * with its own executor (ExecutorInfo CUSTOM with a command, here test/fixtures/custom-executor.ts,
 * written against Mesos's v1 executor API); the agent starts it with Mesos's executor environment,
 * it subscribes to `/api/v1/executor` and reports the task. The scheduler's MESSAGE reaches it as a
 * MESSAGE event and its MESSAGE reaches the scheduler (agent and executor ids, the data). A task
 * group for the same CUSTOM executor joins it (LAUNCH_GROUP, which Mesos 1.8 allows), GET_EXECUTORS
 * lists it, KILL goes through it, and SHUTDOWN ends it: the framework hears FAILURE with the
 * executor id and its exit status. A real master and agent; the framework on the v1 HTTP API (JSON).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { join } from "node:path";
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { eventually, REPO_ROOT, startTestAgent, startTestMaster } from "../support/cluster.ts";
import { type EventReader, jsonCodec, post, subscribeHttp } from "../support/http-api.ts";

let master: RunningMaster;
let agent: RunningAgent;
let stream: EventReader;
let frameworkId: JsonObject;
let acknowledging: ReturnType<typeof setInterval>;

beforeAll(async () => {
  master = await startTestMaster({ flags: ["--allocation_interval=50ms"] });
  agent = await startTestAgent(master, { flags: ["--resources=cpus:2;mem:1024;disk:1024"] });
  await agent.registered;
});
afterAll(async () => {
  clearInterval(acknowledging);
  stream?.close();
  await agent.stop();
  await master.stop();
});

const scalar = (name: string, value: number) => ({ name, type: "SCALAR", scalar: { value } });
const b64 = (s: string) => Buffer.from(s).toString("base64");
const call = (body: JsonObject) =>
  post(
    `${master.url}/api/v1/scheduler`,
    jsonCodec,
    { framework_id: frameworkId, ...body },
    { "Mesos-Stream-Id": stream.response.headers.get("Mesos-Stream-Id")! },
  );
const operator = async (body: JsonObject) => {
  const res = await post(`${master.url}/api/v1`, jsonCodec, body);
  expect(res.status).toBe(200);
  return (await res.json()) as JsonObject;
};
const status = (e: JsonObject) => (e.update as JsonObject).status as JsonObject;
const statusOf = (id: string, state: string) => (e: JsonObject) => status(e).state === state && (status(e).task_id as JsonObject).value === id;

const executor = {
  executor_id: { value: "ce" },
  type: "CUSTOM",
  name: "a custom executor",
  command: { shell: false, value: process.execPath, arguments: [process.execPath, join(REPO_ROOT, "test/fixtures/custom-executor.ts")] },
  resources: [scalar("cpus", 0.1), scalar("mem", 64)],
};

test("LAUNCH with a custom executor: it subscribes, runs the task, and MESSAGE goes both ways", async () => {
  stream = await subscribeHttp(`${master.url}/api/v1/scheduler`, jsonCodec, {
    type: "SUBSCRIBE",
    subscribe: { framework_info: { user: "root", name: "custom-executor", roles: ["*"], capabilities: [{ type: "MULTI_ROLE" }] } },
  });
  frameworkId = (stream.events[0]?.subscribed as JsonObject | undefined)?.framework_id as JsonObject;
  frameworkId ??= ((await stream.next("SUBSCRIBED")).subscribed as JsonObject).framework_id as JsonObject;
  let acked = 0;
  acknowledging = setInterval(() => {
    for (const e of stream.events.slice(acked)) {
      const s = e.type === "UPDATE" ? status(e) : undefined;
      // An acknowledgement still in flight when the cluster stops is lost, as it may be.
      if (s?.uuid) call({ type: "ACKNOWLEDGE", acknowledge: { agent_id: s.agent_id!, task_id: s.task_id!, uuid: s.uuid } }).catch(() => {});
    }
    acked = stream.events.length;
  }, 20);

  const offer = ((await stream.next("OFFERS")).offers as { offers: JsonObject[] }).offers[0]!;
  const task = { name: "t1", task_id: { value: "t1" }, agent_id: offer.agent_id, executor, resources: [scalar("cpus", 0.2), scalar("mem", 32)] };
  const accepted = await call({
    type: "ACCEPT",
    accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: [task] } }] },
  });
  expect(accepted.status).toBe(202);
  const running = status(await stream.next("UPDATE", statusOf("t1", "TASK_RUNNING"), 30_000));
  expect(running).toMatchObject({ source: "SOURCE_EXECUTOR", executor_id: { value: "ce" }, agent_id: offer.agent_id });

  // The agent's /state lists the executor with its task.
  const agentState = (await (await fetch(`${agent.url}/state`)).json()) as { frameworks: { executors: JsonObject[] }[] };
  expect(agentState.frameworks[0]!.executors[0]).toMatchObject({ id: "ce", tasks: [{ id: "t1", executor_id: "ce", state: "TASK_RUNNING" }] });
  const executors = (await operator({ type: "GET_EXECUTORS" })).get_executors as { executors: JsonObject[] };
  expect(executors.executors.map((e) => (e.executor_info as JsonObject).executor_id)).toEqual([{ value: "ce" }]);

  const sent = await call({ type: "MESSAGE", message: { agent_id: offer.agent_id, executor_id: { value: "ce" }, data: b64("hello") } });
  expect(sent.status).toBe(202);
  const reply = await stream.next("MESSAGE", undefined, 20_000);
  expect(reply).toEqual({ type: "MESSAGE", message: { agent_id: offer.agent_id, executor_id: { value: "ce" }, data: b64("echo:hello") } });
}, 60_000);

test("LAUNCH_GROUP for the running CUSTOM executor, KILL through it, SHUTDOWN ends it with FAILURE", async () => {
  const offer = ((await stream.next("OFFERS", (e) => JSON.stringify(e).includes('"executor_ids"'), 20_000)).offers as { offers: JsonObject[] })
    .offers[0]!;
  expect(offer.executor_ids).toEqual([{ value: "ce" }]);
  const member = (id: string, command: string) => ({
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    command: { value: command },
    resources: [scalar("cpus", 0.1), scalar("mem", 32)],
  });
  const group = {
    executor: { ...executor, resources: [...executor.resources, scalar("disk", 10)] },
    task_group: { tasks: [member("g1", "finish"), member("g2", "run")] },
  };
  // The executor runs already; its ExecutorInfo must be the same (Mesos compares them), disk included.
  const res = await call({ type: "ACCEPT", accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH_GROUP", launch_group: group }] } });
  expect(res.status).toBe(202);
  // Each task's updates come in order; the two tasks' may interleave.
  for (const [id, state] of [
    ["g1", "TASK_RUNNING"],
    ["g1", "TASK_FINISHED"],
    ["g2", "TASK_RUNNING"],
  ] as const) {
    await eventually(() => stream.events.find((e) => e.type === "UPDATE" && statusOf(id, state)(e)), 20_000, `${id} ${state}`);
  }

  expect((await call({ type: "KILL", kill: { task_id: { value: "t1" }, agent_id: offer.agent_id } })).status).toBe(202);
  expect(status(await stream.next("UPDATE", statusOf("t1", "TASK_KILLED"), 20_000))).toMatchObject({ source: "SOURCE_EXECUTOR" });

  expect((await call({ type: "SHUTDOWN", shutdown: { executor_id: { value: "ce" }, agent_id: offer.agent_id } })).status).toBe(202);
  const killed = status(await stream.next("UPDATE", statusOf("g2", "TASK_KILLED"), 20_000));
  expect(killed).toMatchObject({ source: "SOURCE_AGENT", reason: "REASON_EXECUTOR_TERMINATED" });
  const failure = await stream.next("FAILURE", undefined, 20_000);
  expect(failure).toEqual({ type: "FAILURE", failure: { agent_id: offer.agent_id, executor_id: { value: "ce" }, status: 0 } });
}, 60_000);
