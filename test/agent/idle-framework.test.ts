/**
 * A framework whose last task on the agent ended: the agent no longer lists it (its frameworks, the
 * attach report, /state), as Mesos's removeFramework; its checkpointed row is left for later
 * (store.frameworkIdle), and a restarted agent neither recovers it as active nor keeps the row, as
 * Mesos's recoverFramework garbage-collects a framework without executors.
 */
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { createAgentStore } from "@mesos/agent";
import { fromBinary } from "@bufbuild/protobuf";
import { internal, TaskState } from "@mesos/proto";
import { eventually, tempDir } from "../support/cluster.ts";
import { createInMemoryAgent, register, TEST_AGENT_ID } from "../support/in-memory-agent.ts";
import { createSimulatedContainerizer } from "../support/simulated-containerizer.ts";

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const framework = (id: string) => ({ id: { value: id }, name: id, user: "", checkpoint: true });
const cpus = [{ name: "cpus", type: 0, scalar: { value: 0.1 } }];

test("a framework without tasks is not listed; its row stays until a restart, which does not recover it", async () => {
  const workDir = tempDir("agent");
  const path = join(tempDir("store"), "agent.db");
  const sim = createSimulatedContainerizer();
  const agent = await createInMemoryAgent({ workDir, containerizer: sim.containerizer, acknowledge: true, store: createAgentStore(path) });
  register(agent);
  const run = (fw: string, task: string) =>
    agent.fromMaster({
      case: "runTask",
      value: {
        frameworkInfo: framework(fw),
        task: { name: task, taskId: { value: task }, agentId: { value: TEST_AGENT_ID }, command: { value: "true" }, resources: cpus },
      },
    });
  run("idle", "ends");
  run("busy", "stays");
  await eventually(() => sim.containerizer.keys().length === 2, 5000, "both containers");
  await eventually(() => agent.ctx.tasks.get("idle/ends")?.state === TaskState.TASK_RUNNING, 5000, "RUNNING");
  sim.exit(agent.ctx.tasks.get("idle/ends")!.containerId, 0);
  await eventually(() => !agent.ctx.tasks.has("idle/ends"), 5000, "the acknowledged task to be forgotten");

  expect([...agent.ctx.frameworks.keys()]).toEqual(["busy"]);
  expect(fromBinary(internal.AttachRequestSchema, agent.attachRequest()).frameworks.map((f) => f.id!.value)).toEqual(["busy"]);
  const state = (await (await agent.app.request("/state")).json()) as { frameworks: { id: string }[]; completed_frameworks: { id: string }[] };
  expect(state.frameworks.map((f) => f.id)).toEqual(["busy"]);
  expect(state.completed_frameworks.map((f) => f.id)).toEqual(["idle"]);
  expect(
    agent.ctx.store
      .frameworks()
      .map((f) => f.id!.value)
      .sort(),
  ).toEqual(["busy", "idle"]);

  // Its next task finds it as it was left.
  run("idle", "again");
  await eventually(() => agent.ctx.tasks.get("idle/again")?.state === TaskState.TASK_RUNNING, 5000, "RUNNING again");
  expect([...agent.ctx.frameworks.keys()].sort()).toEqual(["busy", "idle"]);
  sim.exit(agent.ctx.tasks.get("idle/again")!.containerId, 0);
  await eventually(() => !agent.ctx.tasks.has("idle/again"), 5000, "the second task to be forgotten");

  // A kill -9 now (the agent stopped, its checkpoint as it is): "idle" comes back neither as active nor as a row.
  await agent.stop();
  const restarted = await createInMemoryAgent({
    workDir,
    containerizer: createSimulatedContainerizer().containerizer,
    store: createAgentStore(path),
  });
  stops.push(() => restarted.stop());
  expect([...restarted.ctx.frameworks.keys()]).toEqual(["busy"]);
  expect(restarted.ctx.store.frameworks().map((f) => f.id!.value)).toEqual(["busy"]);
  expect(fromBinary(internal.AttachRequestSchema, restarted.attachRequest()).frameworks.map((f) => f.id!.value)).toEqual(["busy"]);
});
