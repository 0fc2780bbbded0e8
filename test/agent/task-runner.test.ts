/**
 * The agent's task runner, in memory: `createAgent` with a simulated containerizer and a recorded
 * master link, no sockets and no processes. A command task and the tasks of a group take the same
 * path: the same executor environment, the same states, the default executor's group policy.
 */
import { afterEach, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createInMemoryTransport } from "@mesos/rpc";
import { agent as agentApi, type internal, TaskState } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { createInMemoryAgent, type InMemoryAgent, register, TEST_AGENT_ID } from "../support/in-memory-agent.ts";
import { createSimulatedContainerizer } from "../support/simulated-containerizer.ts";

const framework = { id: { value: "fw-1" }, name: "runner", user: "", checkpoint: true };
const cpus = [{ name: "cpus", type: 0, scalar: { value: 0.1 } }];
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

async function agentWithSimulatedContainers() {
  const sim = createSimulatedContainerizer();
  const agent = await createInMemoryAgent({ containerizer: sim.containerizer, acknowledge: true });
  stops.push(() => agent.stop());
  register(agent);
  return { agent, sim };
}

function statuses(agent: InMemoryAgent, taskId: string): TaskState[] {
  return agent.sent
    .filter((m): m is Extract<internal.AgentMessage["message"], { case: "statusUpdate" }> => m.case === "statusUpdate")
    .filter((m) => m.value.status?.taskId?.value === taskId)
    .map((m) => m.value.status!.state);
}

const runCommandTask = (agent: InMemoryAgent, id: string) =>
  agent.fromMaster({
    case: "runTask",
    value: {
      frameworkInfo: framework,
      task: { name: id, taskId: { value: id }, agentId: { value: TEST_AGENT_ID }, command: { value: "true" }, resources: cpus },
    },
  });

const runGroup = (agent: InMemoryAgent, executorId: string, ids: string[]) =>
  agent.fromMaster({
    case: "runTask",
    value: {
      frameworkInfo: framework,
      executor: { type: 1, executorId: { value: executorId }, resources: cpus },
      taskGroup: {
        tasks: ids.map((id) => ({ name: id, taskId: { value: id }, agentId: { value: TEST_AGENT_ID }, command: { value: "true" }, resources: cpus })),
      },
    },
  });

test("a command task and the tasks of a group get Mesos's executor environment, set the same way", async () => {
  const { agent, sim } = await agentWithSimulatedContainers();
  runCommandTask(agent, "solo");
  runGroup(agent, "exec", ["g1", "g2"]);
  await eventually(() => sim.launches.length === 4, 5000, "four launches");

  const solo = sim.launches.find((l) => l.taskIds?.[0] === "solo")!;
  const g1 = sim.launches.find((l) => l.taskIds?.length === 1 && l.taskIds[0] === "g1")!;
  const executor = sim.launches.find((l) => l.command === undefined)!;
  expect(Object.keys(g1.command!.env).sort()).toEqual(Object.keys(solo.command!.env).sort());

  expect(solo.command!.env).toMatchObject({
    MESOS_FRAMEWORK_ID: "fw-1",
    MESOS_EXECUTOR_ID: "solo",
    MESOS_TASK_ID: "solo",
    MESOS_DIRECTORY: solo.sandbox,
    MESOS_SANDBOX: solo.sandbox,
    MESOS_SLAVE_ID: TEST_AGENT_ID,
    MESOS_AGENT_ID: TEST_AGENT_ID,
    MESOS_SLAVE_PID: "slave(1)@127.0.0.1:5051",
    MESOS_AGENT_ENDPOINT: "127.0.0.1:5051",
    MESOS_CHECKPOINT: "1",
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: "5secs",
    MESOS_CONTAINER_ID: solo.containerId.value,
  });
  expect(solo.sandbox).toEndWith(`/frameworks/fw-1/executors/solo/runs/${solo.containerId.value}`);

  // The group's task: its executor's id and sandbox, its own sandbox and container value.
  expect(g1.containerId.parent?.value).toBe(executor.containerId.value);
  expect(g1.command!.env).toMatchObject({
    MESOS_EXECUTOR_ID: "exec",
    MESOS_TASK_ID: "g1",
    MESOS_DIRECTORY: executor.sandbox,
    MESOS_SANDBOX: `${executor.sandbox}/tasks/g1`,
    MESOS_CONTAINER_ID: g1.containerId.value,
  });
  // The command executor's allowance goes to a command task's container, not to a group's task.
  expect(solo.resources.map((r) => r.name)).toEqual(["cpus", "cpus", "mem"]);
  expect(g1.resources.map((r) => r.name)).toEqual(["cpus"]);
});

test("a command task: STARTING, RUNNING, then FINISHED when its command exits 0; its container is forgotten", async () => {
  const { agent, sim } = await agentWithSimulatedContainers();
  runCommandTask(agent, "t");
  await eventually(() => statuses(agent, "t").includes(TaskState.TASK_RUNNING), 5000, "RUNNING");
  const key = sim.containerizer.keys()[0]!;
  sim.exit(key, 0);
  await eventually(() => statuses(agent, "t").includes(TaskState.TASK_FINISHED), 5000, "FINISHED");
  expect(statuses(agent, "t")).toEqual([TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED]);
  expect(sim.containerizer.keys()).toEqual([]);
});

test("a task of a group failing kills the others; the executor's container goes when all have ended", async () => {
  const { agent, sim } = await agentWithSimulatedContainers();
  runGroup(agent, "exec", ["a", "b"]);
  await eventually(() => statuses(agent, "b").includes(TaskState.TASK_RUNNING), 5000, "both RUNNING");
  const a = sim.launches.find((l) => l.taskIds?.length === 1 && l.taskIds[0] === "a")!;
  sim.exit(`${a.containerId.parent!.value}.${a.containerId.value}`, 3);
  await eventually(() => statuses(agent, "b").includes(TaskState.TASK_KILLED), 5000, "b KILLED");
  expect(statuses(agent, "a").at(-1)).toBe(TaskState.TASK_FAILED);
  expect(sim.signals.map((s) => s.signal)).toEqual(["SIGTERM"]);
  await eventually(() => sim.containerizer.keys().length === 0, 5000, "the executor's container to go");
  expect(sim.launches.map((l) => l.containerId.parent?.value)).toEqual([undefined, a.containerId.parent!.value, a.containerId.parent!.value]);
});

test("the agent's API in memory: GET_TASKS through app.request() and through Connect's router transport", async () => {
  const { agent } = await agentWithSimulatedContainers();
  runCommandTask(agent, "listed");
  await eventually(() => statuses(agent, "listed").includes(TaskState.TASK_RUNNING), 5000, "RUNNING");

  const res = await agent.app.request("/api/v1", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ type: "GET_TASKS" }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { get_tasks: { launched_tasks: { task_id: { value: string }; state: string }[] } };
  expect(body.get_tasks.launched_tasks.map((t) => [t.task_id.value, t.state])).toEqual([["listed", "TASK_RUNNING"]]);

  const client = createClient(agentApi.Agent, createInMemoryTransport(agent.connect));
  const reply = await client.call(create(agentApi.CallSchema, { type: agentApi.Call_Type.GET_TASKS }));
  expect(reply.getTasks!.launchedTasks.map((t) => t.taskId!.value)).toEqual(["listed"]);
});
