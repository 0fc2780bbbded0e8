/**
 * The master's read model and what it publishes: the state views follow every change of a task
 * (their encodings are kept between reads, so a stale one would show here), GET_STATE over HTTP is
 * the same message the operator API answers, the per-framework metrics (Mesos 1.8's
 * `master/frameworks/<name>/<id>/...`) and the event queue gauges. Master, agent (a simulated
 * containerizer) and framework in memory.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createOperatorClient } from "@mesos/client";
import { toMesosJson } from "@mesos/core";
import { master as api, TaskState } from "@mesos/proto";
import { encodeMessage } from "@mesos/rpc";
import { eventually } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster, type LinkedAgent } from "../support/in-memory-master.ts";

let master: InMemoryMaster;
let agent: LinkedAgent;
let fw: TestFramework;
const stops: (() => unknown)[] = [];

beforeAll(async () => {
  master = await createInMemoryMaster((fn) => stops.push(fn));
  agent = await attachInMemoryAgent(master, (fn) => stops.push(fn), { flags: ["--resources=cpus:4;mem:4096;disk:500"] });
  await agent.registered;
  fw = await startTestFramework(master.transport, { name: "metrics fw/1" });
});
afterAll(() => {
  fw.close();
  for (const stop of stops.reverse()) stop();
});

// biome-ignore lint/suspicious/noExplicitAny: v0 JSON read field by field
const getJson = async (path: string): Promise<any> => (await master.request(path)).json();
const getState = (accept: string) =>
  master.request("/api/v1", { method: "POST", body: '{"type":"GET_STATE"}', headers: { "Content-Type": "application/json", Accept: accept } });
const metrics = async () => (await getJson("/metrics/snapshot")) as Record<string, number>;
const stateOf = async (taskId: string) => {
  const state = await getJson("/state");
  // biome-ignore lint/suspicious/noExplicitAny: v0 JSON
  const all = state.frameworks.flatMap((f: any) => [...f.tasks, ...f.completed_tasks]);
  // biome-ignore lint/suspicious/noExplicitAny: v0 JSON
  return all.find((t: any) => t.id === taskId)?.state;
};
const finish = (taskId: string) => {
  const task = [...agent.agent.ctx.tasks.values()].find((t) => t.info.taskId!.value === taskId)!;
  agent.containerizer.exit(task.containerId, 0);
};

test("every state view shows a task's every change, and GET_STATE over HTTP is the operator API's answer", async () => {
  const op = createOperatorClient(master.transport);
  await fw.launch("a", "sleep 1000", { refuseSeconds: 0 });
  await fw.waitForStatus("a", TaskState.TASK_RUNNING);
  // Read everything once, so the encodings are kept.
  expect(await stateOf("a")).toBe("TASK_RUNNING");
  const before = await getState("application/x-protobuf");
  expect(before.status).toBe(200);

  await fw.launch("b", "sleep 1000", { refuseSeconds: 0 });
  await fw.waitForStatus("b", TaskState.TASK_RUNNING);
  finish("a");
  await fw.waitForStatus("a", TaskState.TASK_FINISHED);
  await eventually(async () => (await stateOf("a")) === "TASK_FINISHED");
  expect(await stateOf("b")).toBe("TASK_RUNNING");
  const summary = await getJson("/state-summary");
  expect(summary.slaves[0]).toMatchObject({ TASK_RUNNING: 1, TASK_FINISHED: 1 });
  expect(summary.frameworks[0]).toMatchObject({ TASK_RUNNING: 1, TASK_FINISHED: 1 });
  const tasks = await getJson("/master/tasks");
  // biome-ignore lint/suspicious/noExplicitAny: v0 JSON
  expect(Object.fromEntries(tasks.tasks.map((t: any) => [t.id, t.state]))).toEqual({ a: "TASK_FINISHED", b: "TASK_RUNNING" });
  const slaves = await getJson("/master/slaves");
  expect(slaves.slaves[0].used_resources.cpus).toBeCloseTo(0.1);

  // The same bytes as the operator API's message, encoded afresh; in JSON too.
  const reference = await op.getState();
  const bytes = new Uint8Array(await (await getState("application/x-protobuf")).arrayBuffer());
  const answer = fromBinary(api.ResponseSchema, bytes);
  expect(answer.type).toBe(api.Response_Type.GET_STATE);
  expect(toBinary(api.Response_GetStateSchema, answer.getState!)).toEqual(toBinary(api.Response_GetStateSchema, reference));
  // biome-ignore lint/suspicious/noExplicitAny: v1 JSON
  const json: any = await (await getState("application/json")).json();
  expect(json.get_state).toEqual(toMesosJson(api.Response_GetStateSchema, reference) as object);
  const listed: { task_id: { value: string }; state: string }[] = [
    ...json.get_state.get_tasks.tasks,
    ...(json.get_state.get_tasks.completed_tasks ?? []),
  ];
  const states = listed.map((t) => [t.task_id.value, t.state]);
  expect(states.sort()).toEqual([
    ["a", "TASK_FINISHED"],
    ["b", "TASK_RUNNING"],
  ]);
  expect(json.get_state.get_agents.agents[0].allocated_resources.find((r: { name: string }) => r.name === "cpus").scalar.value).toBeCloseTo(0.1);
}, 30_000);

test("per-framework metrics: Mesos 1.8's names, in /metrics/snapshot and in Prometheus's /metrics", async () => {
  const m = await metrics();
  const prefix = `master/frameworks/metrics%20fw%2F1/${fw.sub.frameworkId}/`;
  expect(m[`${prefix}subscribed`]).toBe(1);
  expect(m[`${prefix}calls/subscribe`]).toBe(1);
  expect(m[`${prefix}calls/accept`]).toBeGreaterThanOrEqual(2);
  expect(m[`${prefix}calls`]).toBeGreaterThanOrEqual(m[`${prefix}calls/accept`]! + 1);
  expect(m[`${prefix}calls/reconcile`]).toBe(0);
  expect(m[`${prefix}events/subscribed`]).toBe(1);
  expect(m[`${prefix}events/offers`]).toBeGreaterThanOrEqual(2);
  expect(m[`${prefix}events/update`]).toBeGreaterThanOrEqual(4);
  expect(m[`${prefix}events`]).toBeGreaterThanOrEqual(m[`${prefix}events/update`]! + m[`${prefix}events/offers`]! + 1);
  expect(m[`${prefix}offers/sent`]).toBeGreaterThanOrEqual(2);
  expect(m[`${prefix}offers/accepted`]).toBe(2);
  expect(m[`${prefix}offers/rescinded`]).toBe(0);
  expect(m[`${prefix}operations/launch`]).toBe(2);
  expect(m[`${prefix}operations`]).toBe(2);
  expect(m[`${prefix}tasks/active/task_running`]).toBe(1);
  expect(m[`${prefix}tasks/active/task_staging`]).toBe(0);
  expect(m[`${prefix}tasks/terminal/task_finished`]).toBe(1);
  expect(m[`${prefix}tasks/terminal/task_failed`]).toBe(0);

  finish("b");
  await fw.waitForStatus("b", TaskState.TASK_FINISHED);
  await eventually(async () => (await metrics())[`${prefix}tasks/terminal/task_finished`] === 2);
  expect((await metrics())[`${prefix}tasks/active/task_running`]).toBe(0);

  const text = await (await master.request("/metrics")).text();
  expect(text).toMatch(/^master_frameworks_metrics_20fw_2F1_[\w]+_tasks_terminal_task_finished 2$/m);
}, 30_000);

test("event queue gauges count requests in flight and views waiting for their batch", async () => {
  const idle = await metrics();
  expect(idle["master/event_queue_http_requests"]).toBe(0);
  expect(idle["master/event_queue_dispatches"]).toBe(0);
  expect(idle["master/event_queue_messages"]).toBe(0);
  // A state read waits for the end of this turn of the event loop; the snapshot is read before that.
  const pending = master.request("/state");
  const busy = await metrics();
  expect(busy["master/event_queue_http_requests"]).toBe(1);
  expect(busy["master/event_queue_dispatches"]).toBe(1);
  expect((await pending).status).toBe(200);
  expect((await metrics())["master/event_queue_http_requests"]).toBe(0);
});

test("/state and GET_STATE (JSON), made of kept parts, are byte for byte what JSON.stringify writes", async () => {
  const op = createOperatorClient(master.transport);
  const unicode = "c ünï 任务 😀";
  await fw.launch(unicode, "sleep 1000", { refuseSeconds: 0 });
  await fw.waitForStatus(unicode, TaskState.TASK_RUNNING);
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const bytesOf = async (res: Response): Promise<Uint8Array> => new Uint8Array(await res.arrayBuffer());
  for (const path of ["/state", "/master/state", "/frameworks"]) {
    const res = await master.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    const body = await bytesOf(res);
    const value = JSON.parse(new TextDecoder().decode(body));
    // Parsing keeps key order, so this is the plain encoding of the same value.
    expect(body).toEqual(utf8(JSON.stringify(value)));
    // biome-ignore lint/suspicious/noExplicitAny: v0 JSON
    const names = value.frameworks.flatMap((f: any) => f.tasks.map((t: any) => t.name));
    expect(names).toContain(unicode);
  }
  expect((await getJson("/state")).slaves).toHaveLength(1);
  const jsonp = await master.request("/state?jsonp=cb");
  expect(jsonp.headers.get("Content-Type")).toBe("text/javascript");
  expect(await jsonp.text()).toBe(`cb(${JSON.stringify(await getJson("/state"))})`);

  const res = await getState("application/json");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/json");
  const body = await bytesOf(res);
  const state = await op.getState();
  expect(state.getTasks!.tasks.map((t) => t.name)).toContain(unicode);
  expect(body).toEqual(encodeMessage(api.ResponseSchema, create(api.ResponseSchema, { type: api.Response_Type.GET_STATE, getState: state }), "json"));
}, 30_000);

test("resource gauges: the agents' totals, what tasks use, revocable apart", async () => {
  const m = await metrics();
  expect([m["master/cpus_total"], m["master/mem_total"], m["master/disk_total"], m["master/gpus_total"]]).toEqual([4, 4096, 500, 0]);
  expect([m["master/cpus_revocable_total"], m["master/cpus_revocable_used"], m["master/cpus_revocable_percent"]]).toEqual([0, 0, 0]);
  expect(m["master/cpus_percent"]).toBeCloseTo(m["master/cpus_used"]! / 4);
});
