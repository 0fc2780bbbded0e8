/**
 * An agent restarted (its custom executor gone) while the executor's TASK_FINISHED is unacknowledged
 * re-sends that TASK_FINISHED and says nothing else of the task: not TASK_FAILED for the executor's
 * absence, not TASK_LOST when the master reconciles the task. Mesos 1.8 recovers a task's state from
 * its checkpointed update stream (slave.cpp, Executor::recoverTask), so its last update is its end.
 * Custom executors are not recovered here, so their tasks have no checkpointed row (only their
 * updates); were they ever given one, the executor's update writes the state with it (reportTaskStatus).
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { createAgentStore } from "@mesos/agent";
import { ExecutorInfo_Type, type internal, TaskState } from "@mesos/proto";
import { eventually, tempDir } from "../support/cluster.ts";
import { createInMemoryAgent, type InMemoryAgent, register, TEST_AGENT_ID } from "../support/in-memory-agent.ts";
import { createSimulatedContainerizer } from "../support/simulated-containerizer.ts";

const framework = { id: { value: "f" }, user: "root", name: "checkpointing", checkpoint: true };
const ids = { framework_id: { value: "f" }, executor_id: { value: "ce" } };

function executorCall(agent: InMemoryAgent, call: object) {
  return agent.app.request("http://agent/api/v1/executor", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ ...ids, ...call }),
  });
}

const updatesOf = (agent: InMemoryAgent) =>
  agent.sent
    .filter((m): m is Extract<internal.AgentMessage["message"], { case: "statusUpdate" }> => m.case === "statusUpdate")
    .map((m) => m.value.status!)
    .filter((s) => s.taskId?.value === "t");

test("an unacknowledged TASK_FINISHED from a custom executor is the task's only end after an agent restart", async () => {
  const workDir = tempDir("custom-executor-restart");
  const dbPath = join(workDir, "agent.db");
  const before = await createInMemoryAgent({ workDir, store: createAgentStore(dbPath), containerizer: createSimulatedContainerizer().containerizer });
  let finished: string;
  try {
    register(before);
    before.fromMaster({
      case: "runTask",
      value: {
        frameworkInfo: framework,
        task: {
          name: "t",
          taskId: { value: "t" },
          agentId: { value: TEST_AGENT_ID },
          executor: { executorId: { value: "ce" }, frameworkId: { value: "f" }, type: ExecutorInfo_Type.CUSTOM, command: { value: "executor" } },
        },
      },
    });
    const subscribed = await executorCall(before, { type: "SUBSCRIBE", subscribe: {} });
    expect(subscribed.status).toBe(200);
    for (const [state, byte] of [
      ["TASK_RUNNING", 1],
      ["TASK_FINISHED", 2],
    ] as const) {
      const uuid = Buffer.alloc(16, byte).toString("base64");
      const res = await executorCall(before, {
        type: "UPDATE",
        update: { status: { task_id: { value: "t" }, state, source: "SOURCE_EXECUTOR", uuid } },
      });
      expect(res.status).toBe(202);
    }
    // Nobody acknowledges: the stream holds TASK_RUNNING (in flight) and TASK_FINISHED behind it.
    await eventually(() => updatesOf(before).length > 0, 10_000, "the executor's first update sent");
    finished = Buffer.alloc(16, 2).toString("hex");
    await subscribed.body?.cancel();
  } finally {
    await before.stop();
  }

  const after = await createInMemoryAgent({
    workDir,
    store: createAgentStore(dbPath),
    containerizer: createSimulatedContainerizer().containerizer,
    acknowledge: true,
  });
  try {
    // Re-registered: the master, not hearing of the task, asks the agent about it (as reconcileKnownSlave does).
    after.fromMaster({
      case: "registered",
      value: {
        agentId: { value: TEST_AGENT_ID },
        masterInfo: { id: "m", ip: 0, port: 5050 },
        connectionId: "c",
        reconciliations: [{ frameworkId: { value: "f" }, framework, statuses: [{ taskId: { value: "t" }, state: TaskState.TASK_RUNNING }] }],
      },
    });
    const ends = () => updatesOf(after).filter((s) => s.state !== TaskState.TASK_RUNNING);
    await eventually(() => ends().length > 0, 10_000, "the task's end re-sent");
    // Let anything else the restarted agent would say about the task arrive.
    await Bun.sleep(500);
    const states = new Set(ends().map((s) => `${TaskState[s.state]} ${Buffer.from(s.uuid).toString("hex")}`));
    expect([...states]).toEqual([`TASK_FINISHED ${finished}`]);
  } finally {
    await after.stop();
  }
}, 30_000);
