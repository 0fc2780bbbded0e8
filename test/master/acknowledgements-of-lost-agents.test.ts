/**
 * The master remembers each task's last acknowledged update (in memory and in the registry) while
 * its agent might resend it; an agent marked gone, whether connected or already unreachable, never
 * will, so its rows go at once instead of staying until the master restarts.
 */
import { expect, test } from "bun:test";
import { createOperatorClient } from "@mesos/client";
import { ManualClock } from "@mesos/core";
import { master as masterApi, TaskState } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { eventually } from "../support/cluster.ts";
import { startTestFramework } from "../support/framework.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

/** A master (its clock held by the test) with one agent running one task whose TASK_RUNNING was acknowledged. */
async function clusterWithAcknowledgedTask() {
  const clock = new ManualClock();
  const master = await createInMemoryMaster(cleanup, { clock, loops: false });
  const agent = await attachInMemoryAgent(master, cleanup);
  const agentId = await agent.registered;
  const fw = await startTestFramework(master.transport, { name: "acks" });
  cleanup(() => fw.close());
  master.allocateNow();
  await fw.launch("t", "sleep 1000");
  const running = await fw.waitForStatus("t", TaskState.TASK_RUNNING);
  const frameworkId = fw.sub.frameworkId;
  const stored = async () => (await master.registry.load()).acknowledged.map((a) => `${a.agentId}/${a.taskId}`);
  await eventually(async () => (await stored()).length === 1, 5_000, "the acknowledgement in the registry");
  expect(await stored()).toEqual([`${agentId}/t`]);
  const remembered = () => master.ctx.tasks.wasAcknowledged(frameworkId, "t", running.uuid);
  expect(remembered()).toBe(true);
  const markGone = () =>
    createOperatorClient(master.transport).call({ type: masterApi.Call_Type.MARK_AGENT_GONE, markAgentGone: { agentId: { value: agentId } } });
  return { master, clock, agent, agentId, stored, remembered, markGone };
}

test("marking a connected agent gone drops its tasks' acknowledgements, in memory and in the registry", async () => {
  const { master, stored, remembered, markGone } = await clusterWithAcknowledgedTask();
  await markGone();
  await master.ctx.tasks.acknowledgementsCommitted();
  expect(await stored()).toEqual([]);
  expect(remembered()).toBe(false);
});

test("an unreachable agent keeps them (it may come back and resend); marked gone, it drops them", async () => {
  const { master, clock, agent, agentId, stored, remembered, markGone } = await clusterWithAcknowledgedTask();
  agent.link.stop();
  const { agent_ping_timeout, max_agent_ping_timeouts } = master.ctx.flags;
  for (let i = 0; i <= max_agent_ping_timeouts && master.ctx.agents.entry(agentId)?.state !== "unreachable"; i++) {
    clock.advance(agent_ping_timeout);
    await Bun.sleep(1);
  }
  await eventually(() => master.ctx.agents.entry(agentId)?.state === "unreachable", 5_000, "the agent to be unreachable");
  await master.ctx.tasks.acknowledgementsCommitted();
  expect([await stored(), remembered()]).toEqual([[`${agentId}/t`], true]);
  await markGone();
  await master.ctx.tasks.acknowledgementsCommitted();
  expect([await stored(), remembered()]).toEqual([[], false]);
});
