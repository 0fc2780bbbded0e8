/** The v0 read-only endpoints tools poll, in Mesos's JSON shapes, and their `/master/...` aliases. */
import { lookupService } from "node:dns/promises";
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { RunningAgent } from "@mesos/agent";
import type { RunningMaster } from "@mesos/master";
import { TaskState } from "@mesos/proto";
import { startTestAgent, startTestMaster } from "../support/cluster.ts";
import { startTestFramework, type TestFramework } from "../support/framework.ts";

let master: RunningMaster;
let agent: RunningAgent;
let fw: TestFramework;
let agentId: string;

async function launch(taskId: string, command: string) {
  const [offer] = await fw.nextOffers();
  await fw.sub.accept(
    [offer!.id!.value],
    [
      {
        type: 1,
        launch: {
          taskInfos: [
            {
              name: taskId,
              taskId: { value: taskId },
              agentId: offer!.agentId,
              command: { value: command },
              resources: [
                { name: "cpus", type: 0, scalar: { value: 0.5 } },
                { name: "mem", type: 0, scalar: { value: 64 } },
              ],
            },
          ],
        },
      },
    ],
  );
}

beforeAll(async () => {
  master = await startTestMaster({ flags: ["--cluster=v0"] });
  agent = await startTestAgent(master);
  agentId = await agent.registered;
  fw = await startTestFramework(master.url, { role: "web", name: "v0-fw" });
  await launch("first", "true");
  await fw.waitForStatus("first", TaskState.TASK_FINISHED);
  await launch("second", "sleep 1000");
  await fw.waitForStatus("second", TaskState.TASK_RUNNING);
});
afterAll(async () => {
  fw.close();
  await agent.stop();
  await master.stop();
});

const get = async (path: string) => {
  const res = await fetch(`${master.url}${path}`);
  expect([path, res.status]).toEqual([path, 200]);
  return (await res.json()) as Record<string, any>;
};

test("/slaves lists agents with their resources, and filters by slave_id", async () => {
  const slaves = await get("/slaves");
  expect(slaves.recovered_slaves).toEqual([]);
  expect(slaves.slaves).toHaveLength(1);
  expect(slaves.slaves[0]).toMatchObject({ id: agentId, active: true, hostname: "127.0.0.1", resources: { cpus: 4, mem: 4096 } });
  expect(slaves.slaves[0].pid).toMatch(/^slave\(1\)@127\.0\.0\.1:\d+$/);
  expect(slaves.slaves[0].used_resources).toMatchObject({ cpus: 0.5, mem: 64 });
  expect(await get("/master/slaves")).toEqual(slaves);
  expect((await get("/slaves?slave_id=nope")).slaves).toEqual([]);
});

test("/frameworks lists frameworks with their tasks, and filters by framework_id", async () => {
  const frameworks = await get("/frameworks");
  expect(frameworks.completed_frameworks).toEqual([]);
  expect(frameworks.frameworks[0]).toMatchObject({ id: fw.sub.frameworkId, name: "v0-fw", role: "web", active: true });
  expect(frameworks.frameworks[0].tasks.map((t: { id: string }) => t.id)).toEqual(["second"]);
  expect(frameworks.frameworks[0].completed_tasks.map((t: { id: string }) => t.id)).toEqual(["first"]);
  expect((await get(`/master/frameworks?framework_id=${fw.sub.frameworkId}`)).frameworks).toHaveLength(1);
  expect((await get("/frameworks?framework_id=nope")).frameworks).toEqual([]);
});

test("/tasks: every task, newest first by default, with limit, offset, order and filters", async () => {
  const all = await get("/tasks");
  expect(all.tasks.map((t: { id: string }) => t.id)).toEqual(["second", "first"]);
  expect(all.tasks[0]).toMatchObject({ id: "second", state: "TASK_RUNNING", framework_id: fw.sub.frameworkId, slave_id: agentId });
  // The new CLI finds a task's container here.
  expect(all.tasks[0].statuses[0].container_status.container_id.value).toBeString();
  expect((await get("/tasks?order=asc")).tasks.map((t: { id: string }) => t.id)).toEqual(["first", "second"]);
  expect((await get("/master/tasks?limit=1&offset=1")).tasks.map((t: { id: string }) => t.id)).toEqual(["first"]);
  expect((await get("/tasks?task_id=first")).tasks).toHaveLength(1);
  expect((await get("/tasks?framework_id=nope")).tasks).toEqual([]);
});

test("/roles: each role with its weight, frameworks and resources", async () => {
  const { roles } = await get("/roles");
  expect(roles).toEqual([
    { name: "web", weight: 1, frameworks: [fw.sub.frameworkId], resources: expect.objectContaining({ cpus: expect.any(Number) }) },
  ]);
  // What the running task uses, plus whatever is offered to the framework under the role right now.
  expect(roles[0].resources.cpus).toBeGreaterThanOrEqual(0.5);
  expect(await get("/master/roles")).toBeDefined();
});

test("/state-summary: agents and frameworks with task counts by state", async () => {
  const summary = await get("/state-summary");
  // --hostname_lookup (Mesos's default): the name 127.0.0.1 resolves to.
  expect(summary.hostname).toBe((await lookupService("127.0.0.1", 0)).hostname);
  expect(summary.cluster).toBe("v0");
  expect(summary.slaves[0]).toMatchObject({ id: agentId, TASK_RUNNING: 1, TASK_FINISHED: 1, TASK_STAGING: 0, framework_ids: [fw.sub.frameworkId] });
  expect(summary.frameworks[0]).toMatchObject({
    id: fw.sub.frameworkId,
    name: "v0-fw",
    TASK_RUNNING: 1,
    TASK_FINISHED: 1,
    slave_ids: [agentId],
    active: true,
    connected: true,
  });
  expect(summary.frameworks[0].used_resources).toMatchObject({ cpus: 0.5, mem: 64 });
  expect((await get("/master/state-summary")).slaves).toHaveLength(1);
});

test("/metrics/snapshot: a flat object of Mesos metric names", async () => {
  const metrics = await get("/metrics/snapshot");
  expect(metrics["master/elected"]).toBe(1);
  expect(metrics["master/tasks_launched"]).toBe(2);
  expect(metrics["master/slaves_connected"]).toBe(1);
});

test("/master aliases of /state, /flags and /health", async () => {
  expect((await get("/master/state")).cluster).toBe("v0");
  expect((await get("/master/flags")).flags.cluster).toBe("v0");
  expect((await fetch(`${master.url}/master/health`)).status).toBe(200);
});
