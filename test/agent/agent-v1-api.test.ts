/**
 * The calls a running agent answers on `POST /api/v1`, in JSON and protobuf. One agent and no
 * master: built in memory, told to run a task as the master would, asked through `app.request()`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { agent as agentApi, TaskState } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { createInMemoryAgent, type InMemoryAgent, register, TEST_AGENT_ID } from "../support/in-memory-agent.ts";

let agent: InMemoryAgent;
const agentId = TEST_AGENT_ID;
const frameworkId = "agent-api-fw";

beforeAll(async () => {
  agent = await createInMemoryAgent({ flags: ["--attributes=rack:r2"], acknowledge: true });
  register(agent);
  agent.fromMaster({
    case: "runTask",
    value: {
      frameworkInfo: { id: { value: frameworkId }, name: "agent-api", user: "" },
      task: {
        name: "sleeper",
        taskId: { value: "sleeper" },
        agentId: { value: agentId },
        command: { value: "sleep 1000" },
        resources: [{ name: "cpus", type: 0, scalar: { value: 0.2 } }],
      },
    },
  });
  await eventually(() => agent.ctx.tasks.get(`${frameworkId}/sleeper`)?.state === TaskState.TASK_RUNNING, 10_000, "the task to run");
});
afterAll(async () => {
  const sleeper = agent.ctx.tasks.get(`${frameworkId}/sleeper`)!;
  await agent.ctx.containerizer.destroy(sleeper.containerId);
  agent.stop();
});

const call = async (body: object, path = "/api/v1") => {
  const res = await agent.app.request(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
};

test("GET_HEALTH, GET_VERSION, GET_FLAGS, GET_AGENT", async () => {
  expect(await call({ type: "GET_HEALTH" })).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
  expect((await call({ type: "GET_VERSION" })).get_version.version_info.version).toBe("1.8.0");
  const flags = (await call({ type: "GET_FLAGS" })).get_flags.flags as { name: string; value: string }[];
  expect(flags).toContainEqual({ name: "attributes", value: "rack:r2" });
  const info = (await call({ type: "GET_AGENT" }, "/slave(1)/api/v1")).get_agent.agent_info;
  expect(info.id).toEqual({ value: agentId });
  expect(info.attributes[0]).toMatchObject({ name: "rack", text: { value: "r2" } });
});

test("GET_STATE: the running task, its executor and framework", async () => {
  const state = (await call({ type: "GET_STATE" })).get_state;
  expect(state.get_tasks.launched_tasks).toHaveLength(1);
  expect(state.get_tasks.launched_tasks[0]).toMatchObject({
    task_id: { value: "sleeper" },
    state: "TASK_RUNNING",
    framework_id: { value: frameworkId },
    agent_id: { value: agentId },
    executor_id: { value: "sleeper" },
  });
  expect(state.get_executors.executors[0].executor_info.executor_id).toEqual({ value: "sleeper" });
  expect(state.get_frameworks.frameworks[0].framework_info).toMatchObject({ name: "agent-api", id: { value: frameworkId } });
});

test("GET_TASKS in protobuf", async () => {
  const body = toBinary(agentApi.CallSchema, create(agentApi.CallSchema, { type: agentApi.Call_Type.GET_TASKS }));
  const res = await agent.app.request("/api/v1", {
    method: "POST",
    headers: { "Content-Type": "application/x-protobuf", Accept: "application/x-protobuf" },
    body,
  });
  expect(res.headers.get("Content-Type")).toBe("application/x-protobuf");
  const tasks = fromBinary(agentApi.ResponseSchema, new Uint8Array(await res.arrayBuffer())).getTasks!;
  expect(tasks.launchedTasks.map((t) => t.taskId!.value)).toEqual(["sleeper"]);
});

test("a call the agent does not implement yet is 501", async () => {
  const res = await agent.app.request("/api/v1", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: '{"type":"GET_LOGGING_LEVEL"}',
  });
  expect(res.status).toBe(501);
});
