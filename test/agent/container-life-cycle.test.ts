/**
 * The Mesos containerizer's life cycle, on an agent built in memory with the posix launcher (no
 * root needed): a container whose init dies while the isolators prepare ends (terminated), the
 * launch fails saying so, and the agent forgets it; nothing is left behind in the runtime dir.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { containerIdString } from "@mesos/plugin-api";
import { TaskState, TaskStatus_Reason } from "@mesos/proto";
import { eventually } from "../support/cluster.ts";
import { createInMemoryAgent, type InMemoryAgent, register, TEST_AGENT_ID } from "../support/in-memory-agent.ts";

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function lastStatus(agent: InMemoryAgent, taskId: string) {
  const updates = agent.sent.flatMap((m) => (m.case === "statusUpdate" && m.value.status?.taskId?.value === taskId ? [m.value.status] : []));
  return updates.at(-1);
}

test("an init that dies while the isolators prepare: the launch fails, the container ends and is forgotten", async () => {
  let agent!: InMemoryAgent;
  agent = await createInMemoryAgent({
    flags: ["--launcher=posix", "--isolation=test/kill-init"],
    acknowledge: true,
    isolators: {
      "test/kill-init": () => ({
        name: "test/kill-init",
        async prepare(config) {
          const key = containerIdString(config.containerId!);
          const pid = Number(readFileSync(join(agent.ctx.runtimeDir, "containers", key, "pid"), "utf8"));
          process.kill(pid, "SIGKILL");
          await eventually(() => agent.ctx.containerizer.state(key) === "terminated", 10_000, "the container to see its init die");
          return undefined;
        },
      }),
    },
  });
  stops.push(() => agent.stop());
  register(agent);
  agent.fromMaster({
    case: "runTask",
    value: {
      frameworkInfo: { id: { value: "fw" }, name: "fw", user: "" },
      task: { name: "t", taskId: { value: "t" }, agentId: { value: TEST_AGENT_ID }, command: { value: "true" }, resources: [] },
    },
  });
  await eventually(() => lastStatus(agent, "t")?.state === TaskState.TASK_FAILED, 10_000, "TASK_FAILED");
  const failed = lastStatus(agent, "t")!;
  expect(failed.reason).toBe(TaskStatus_Reason.CONTAINER_LAUNCH_FAILED);
  expect(failed.message).toBe("Failed to launch container: the container's launch helper exited while the container was being prepared");
  await eventually(() => agent.ctx.containerizer.keys().length === 0, 10_000, "the container to be forgotten");
  const containers = join(agent.ctx.runtimeDir, "containers");
  expect(existsSync(containers) ? readdirSync(containers) : []).toEqual([]);
});
