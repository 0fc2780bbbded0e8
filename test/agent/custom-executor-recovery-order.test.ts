/**
 * The end of an agent's recovery, as Mesos 1.8 orders it (slave.cpp: _recover waits for its
 * executors to re-register, reregisterExecutorTimeout ends the wait, and only then __recover starts
 * looking for the master): `recovered` resolves once every recovered custom executor re-subscribed
 * (without waiting out the timeout, as MESOS-7539 asks), or when --executor_reregistration_timeout
 * destroys those still away, and at once when there is none. test/integration/custom-executor-recovery.test.ts
 * shows what it is for: the master's messages find the executor subscribed. An executor destroyed
 * then ends before the agent is registered: the master hears of it and of its end afterwards.
 */
import { expect, test } from "bun:test";
import { fromBinary } from "@bufbuild/protobuf";
import { internal, TaskState } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { createInMemoryAgent, register } from "../support/in-memory-agent.ts";
import { agentOnDisk, executorCall, launch, statusJson } from "../support/in-memory-executor.ts";

/** An agent restarted while its executor `ce` runs task `t`; the executor has not re-subscribed. */
async function restartedWithExecutor(name: string, timeout: string, linkUp?: () => boolean) {
  const { sim, start } = agentOnDisk(name);
  const before = await start();
  try {
    register(before);
    launch(before, "t");
    const subscribed = await executorCall(before, { type: "SUBSCRIBE", subscribe: {} });
    expect((await executorCall(before, { type: "UPDATE", update: { status: statusJson("t", "TASK_RUNNING", 1) } })).status).toBe(202);
    await subscribed.body?.cancel();
  } finally {
    await before.stop();
  }
  const after = await start({
    flags: [`--executor_reregistration_timeout=${timeout}`],
    linkUp,
  });
  return { after, sim };
}

const settled = (p: Promise<void>) => Promise.race([p.then(() => true), Bun.sleep(50).then(() => false)]);

test("recovery ends when the recovered executor re-subscribes, not when the timeout passes", async () => {
  const { after, sim } = await restartedWithExecutor("recovery-order-back", "15secs");
  try {
    expect(await settled(after.recovered)).toBe(false);
    const res = await executorCall(after, {
      type: "SUBSCRIBE",
      subscribe: { unacknowledged_updates: [{ status: statusJson("t", "TASK_RUNNING", 1) }] },
    });
    expect(res.status).toBe(200);
    expect(await settled(after.recovered)).toBe(true);
    expect(sim.containerizer.state(sim.launches[0]!.containerId!.value)).toBe("running");
    await res.body?.cancel();
  } finally {
    await after.stop();
  }
}, 30_000);

test("recovery ends after --executor_reregistration_timeout with an executor still away, which is destroyed", async () => {
  const { after, sim } = await restartedWithExecutor("recovery-order-away", "300ms");
  try {
    expect(await settled(after.recovered)).toBe(false);
    await after.recovered;
    expect(sim.containerizer.state(sim.launches[0]!.containerId!.value)).not.toBe("running");
    // Its task's TASK_LOST waits (behind the unacknowledged TASK_RUNNING) for the agent to register.
    await eventually(() => after.ctx.tasks.get("f/t")?.state === TaskState.TASK_LOST, 10_000, "the task lost");
    const lost = after.ctx.statusUpdates.pending("f", "t").at(-1);
    expect(lost?.status.message).toBe("Executor did not reregister within 300ms");
  } finally {
    await after.stop();
  }
}, 30_000);

test("an agent with no executor to wait for has recovered at once", async () => {
  const agent = await createInMemoryAgent({ flags: ["--executor_reregistration_timeout=15secs"] });
  try {
    expect(await settled(agent.recovered)).toBe(true);
  } finally {
    await agent.stop();
  }
});

test("an executor destroyed at the end of recovery, before the agent registers: the report lists it and its exit follows the registration", async () => {
  let linkUp = false;
  const { after } = await restartedWithExecutor("recovery-order-unheard", "100ms", () => linkUp);
  const reported = () => fromBinary(internal.AttachRequestSchema, after.attachRequest()).executorInfos.map((e) => e.executorId?.value);
  try {
    await after.recovered;
    await eventually(() => after.ctx.customExecutors.get("f", "ce") === undefined, 10_000, "the executor ended");
    // The master could not hear of its end: it still hears of the executor, then of its end.
    expect(reported()).toEqual(["ce"]);
    linkUp = true;
    register(after);
    const exits = after.sent.filter((m) => m.case === "exitedExecutor");
    expect(exits.map((m) => m.value.executorId?.value)).toEqual(["ce"]);
    expect(reported()).toEqual([]);
  } finally {
    await after.stop();
  }
}, 30_000);
