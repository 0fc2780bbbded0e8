/**
 * A master and an agent built in memory, their link joined in memory (inMemoryDialer), with a
 * framework on the Scheduler service over Connect's router transport: no socket, no process. The agent runs the real agent code with a simulated containerizer, so the master's
 * handlers and owners see registration, offers, a task's life and its acknowledgement as they
 * would in a cluster; the read model answers the same over v1 and v0.
 */
import { expect, test } from "bun:test";
import { createOperatorClient } from "@mesos/client";
import { containerIdString } from "@mesos/plugin-api";
import { master as masterApi, TaskState } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

test("register, offer, launch, run, finish and acknowledge, all in memory", async () => {
  const master = await createInMemoryMaster(cleanup, { flags: ["--allocation_interval=20ms"] });
  const { containerizer, registered } = await attachInMemoryAgent(master, cleanup);
  const agentId = await registered;
  expect(master.ctx.agents.get(agentId)?.connected).toBe(true);

  const fw = await startTestFramework(master.transport, { name: "in-memory" });
  cleanup(() => fw.close());
  const offer = await fw.launch("t", "true", { cpus: 1 });
  expect(offer.agentId!.value).toBe(agentId);
  await fw.waitForStatus("t", TaskState.TASK_RUNNING);

  // The read model: the same task and the same allocation over v1 (Connect) and v0 (HTTP).
  const op = createOperatorClient(master.transport);
  const v1 = await op.getState();
  expect(v1.getTasks!.tasks.map((t) => [t.taskId!.value, TaskState[t.state]])).toEqual([["t", "TASK_RUNNING"]]);
  expect(v1.getAgents!.agents[0]!.allocatedResources.find((r) => r.name === "cpus")?.scalar?.value).toBe(1);
  const v0 = (await (await master.request("/state")).json()) as {
    slaves: { used_resources: { cpus: number } }[];
    frameworks: { tasks: { state: string }[] }[];
  };
  expect(v0.slaves[0]!.used_resources.cpus).toBe(1);
  expect(v0.frameworks[0]!.tasks.map((t) => t.state)).toEqual(["TASK_RUNNING"]);
  const summary = (await (await master.request("/state-summary")).json()) as { frameworks: { TASK_RUNNING: number }[] };
  expect(summary.frameworks[0]!.TASK_RUNNING).toBe(1);

  // The command ends; the framework acknowledges TASK_FINISHED and the ledger completes the task.
  containerizer.exit(containerIdString(containerizer.launches[0]!.containerId), 0);
  await fw.waitForStatus("t", TaskState.TASK_FINISHED);
  await eventually(() => master.ctx.tasks.completed(fw.sub.frameworkId).length === 1, 5000, "the task to complete");
  expect(master.ctx.tasks.active(fw.sub.frameworkId).size).toBe(0);
  expect((await op.getTasks()).completedTasks.map((t) => [t.taskId!.value, TaskState[t.state]])).toEqual([["t", "TASK_FINISHED"]]);
  expect((await op.getAgents()).agents[0]!.allocatedResources).toEqual([]);
});

test("MARK_AGENT_GONE: the registry row and the master's mirror agree, and the agent may not come back", async () => {
  const master = await createInMemoryMaster(cleanup);
  const { registered, link } = await attachInMemoryAgent(master, cleanup);
  const agentId = await registered;
  const op = createOperatorClient(master.transport);
  expect((await master.registry.load()).agents.get(agentId)?.state).toBe("admitted");

  await op.call({ type: masterApi.Call_Type.MARK_AGENT_GONE, markAgentGone: { agentId: { value: agentId } } });
  expect(master.ctx.agents.get(agentId)).toBeUndefined();
  expect(master.ctx.agents.entry(agentId)?.state).toBe("gone");
  expect((await master.registry.load()).agents.get(agentId)?.state).toBe("gone");
  await eventually(() => !link.connected, 5000, "the link to close");
  // Idempotent, as in Mesos: marking a gone agent gone again succeeds and changes nothing.
  await op.call({ type: masterApi.Call_Type.MARK_AGENT_GONE, markAgentGone: { agentId: { value: agentId } } });
  expect(master.ctx.agents.entry(agentId)?.state).toBe("gone");
});
