/**
 * The operator API (Connect) and the plain endpoints agree with what runs. Master, agent (a
 * simulated containerizer) and framework in memory.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createOperatorClient } from "@mesos/client";
import { TaskState } from "@mesos/proto";
import { startTestFramework, type TestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster, type InMemoryMaster, type LinkedAgent } from "../support/in-memory-master.ts";

let master: InMemoryMaster;
let agent: LinkedAgent;
let fw: TestFramework;
const stops: (() => unknown)[] = [];

beforeAll(async () => {
  master = await createInMemoryMaster((fn) => stops.push(fn), { flags: ["--cluster=test-cluster"] });
  agent = await attachInMemoryAgent(master, (fn) => stops.push(fn), {
    flags: ["--attributes=rack:r1;level:3", "--resources=cpus:2;mem:1024;disk:500;ports:[31000-31009]"],
  });
  await agent.registered;
  fw = await startTestFramework(master.transport, { role: "web" });
  const [offer] = await fw.nextOffers();
  await fw.sub.accept(
    [offer!.id!.value],
    [
      {
        type: 1,
        launch: {
          taskInfos: [
            {
              name: "op",
              taskId: { value: "op" },
              agentId: offer!.agentId,
              command: { value: "sleep 1000" },
              resources: [
                { name: "cpus", type: 0, scalar: { value: 0.5 } },
                { name: "ports", type: 1, ranges: { range: [{ begin: 31000n, end: 31001n }] } },
              ],
            },
          ],
        },
      },
    ],
  );
  await fw.waitForStatus("op", TaskState.TASK_RUNNING);
});
afterAll(() => {
  fw.close();
  for (const stop of stops.reverse()) stop();
});

test("GET_HEALTH, GET_VERSION, GET_FLAGS", async () => {
  const op = createOperatorClient(master.transport);
  expect((await op.getHealth()).healthy).toBe(true);
  expect((await op.getVersion()).versionInfo!.version).toBe("1.8.0");
  const flags = await op.getFlags();
  expect(flags.flags.find((f) => f.name === "cluster")?.value).toBe("test-cluster");
});

test("GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_STATE describe the cluster", async () => {
  const op = createOperatorClient(master.transport);
  const { agents } = await op.getAgents();
  expect(agents).toHaveLength(1);
  expect(agents[0]!.active).toBe(true);
  expect(agents[0]!.pid).toMatch(/^slave\(1\)@127\.0\.0\.1:\d+$/);
  expect(agents[0]!.allocatedResources.find((r) => r.name === "cpus")?.scalar?.value).toBe(0.5);
  const { frameworks } = await op.getFrameworks();
  expect(frameworks.map((f) => [f.frameworkInfo!.role, f.active, f.connected])).toEqual([["web", true, true]]);
  const tasks = await op.getTasks();
  expect(tasks.tasks.map((t) => [t.taskId!.value, TaskState[t.state]])).toEqual([["op", "TASK_RUNNING"]]);
  const state = await op.getState();
  expect(state.getAgents!.agents).toHaveLength(1);
  expect(state.getTasks!.tasks).toHaveLength(1);
});

test("/state has Mesos's v0 shape", async () => {
  const state = (await (await master.request("/state")).json()) as Record<string, any>;
  expect(state.version).toBe("1.8.0");
  expect(state.cluster).toBe("test-cluster");
  expect(state.activated_slaves).toBe(1);
  const slave = state.slaves[0];
  expect(slave.attributes).toEqual({ rack: "r1", level: 3 });
  expect(slave.resources).toEqual({ cpus: 2, mem: 1024, disk: 500, gpus: 0, ports: "[31000-31009]" });
  expect(slave.used_resources).toMatchObject({ cpus: 0.5, ports: "[31000-31001]" });
  const framework = state.frameworks[0];
  expect(framework.role).toBe("web");
  expect(framework.tasks[0]).toMatchObject({ id: "op", state: "TASK_RUNNING", slave_id: slave.id, role: "web" });
  expect(framework.tasks[0].statuses.map((s: { state: string }) => s.state)).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
  expect((await master.request("/health")).status).toBe(200);
});

test("the agent's /state lists the task's sandbox", async () => {
  const state = (await (await agent.agent.app.request("/state")).json()) as Record<string, any>;
  const executor = state.frameworks[0].executors[0];
  expect(executor.id).toBe("op");
  expect(executor.directory).toContain(`/frameworks/${fw.sub.frameworkId}/executors/op/runs/`);
  expect(executor.tasks[0].state).toBe("TASK_RUNNING");
});
