/**
 * A custom executor's environment, as Mesos 1.8's agent sets it (slave.cpp's executorEnvironment):
 * a checkpointing framework's executor learns how long to keep trying to re-subscribe after losing
 * the agent (MESOS_RECOVERY_TIMEOUT, from --recovery_timeout) and the longest wait between attempts
 * (MESOS_SUBSCRIPTION_BACKOFF_MAX, from --executor_reregistration_timeout), both printed as Mesos
 * prints durations; one that does not checkpoint gets neither (it does not survive the agent).
 */
import { expect, test } from "bun:test";
import { ExecutorInfo_Type } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { createInMemoryAgent, register, TEST_AGENT_ID } from "../support/in-memory-agent.ts";
import { createSimulatedContainerizer } from "../support/simulated-containerizer.ts";

async function executorEnvironment(checkpoint: boolean, flags: string[]) {
  const sim = createSimulatedContainerizer();
  const agent = await createInMemoryAgent({ containerizer: sim.containerizer, flags });
  try {
    register(agent);
    agent.fromMaster({
      case: "runTask",
      value: {
        frameworkInfo: { id: { value: "f" }, user: "root", name: "f", checkpoint },
        task: {
          name: "t",
          taskId: { value: "t" },
          agentId: { value: TEST_AGENT_ID },
          executor: { executorId: { value: "ce" }, frameworkId: { value: "f" }, type: ExecutorInfo_Type.CUSTOM, command: { value: "executor" } },
        },
      },
    });
    await eventually(() => sim.launches.length === 1, 5000, "the executor launched");
    return sim.launches[0]!.command!.env;
  } finally {
    await agent.stop();
  }
}

test("a checkpointing framework's custom executor gets --recovery_timeout and its backoff limit, as Mesos prints them", async () => {
  const env = await executorEnvironment(true, ["--recovery_timeout=90secs", "--executor_reregistration_timeout=1500ms"]);
  expect(env).toMatchObject({
    MESOS_CHECKPOINT: "1",
    MESOS_HTTP_COMMAND_EXECUTOR: "0",
    MESOS_RECOVERY_TIMEOUT: "90secs",
    MESOS_SUBSCRIPTION_BACKOFF_MAX: "1500ms",
  });
  expect((await executorEnvironment(true, []))!.MESOS_RECOVERY_TIMEOUT).toBe("15mins");
});

test("a custom executor of a framework that does not checkpoint is not told to wait for the agent", async () => {
  const env = await executorEnvironment(false, ["--recovery_timeout=90secs"]);
  expect(env.MESOS_CHECKPOINT).toBe("0");
  expect(env.MESOS_RECOVERY_TIMEOUT).toBeUndefined();
  expect(env.MESOS_SUBSCRIPTION_BACKOFF_MAX).toBeUndefined();
});
