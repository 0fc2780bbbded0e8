/**
 * A test playing a custom executor against an in-memory agent (test/support/in-memory-agent.ts):
 * calls on the agent's v1 executor API as JSON, the RecordIO events it answers with, and what the
 * agent sent the master about a task. The executor is `ce` of the checkpointing framework `f`.
 */
import { join } from "node:path";
import { createAgentStore } from "@mesos/agent";
import { ExecutorInfo_Type, type internal } from "@mesos/proto";
import { tempDir } from "./cluster.ts";
import { createInMemoryAgent, type InMemoryAgent, type InMemoryAgentOptions, TEST_AGENT_ID } from "./in-memory-agent.ts";
import { createSimulatedContainerizer } from "./simulated-containerizer.ts";

export const framework = { id: { value: "f" }, user: "root", name: "checkpointing", checkpoint: true };
export const customExecutor = {
  executorId: { value: "ce" },
  frameworkId: { value: "f" },
  type: ExecutorInfo_Type.CUSTOM,
  command: { value: "executor" },
};
const ids = { framework_id: { value: "f" }, executor_id: { value: "ce" } };

/** A call of executor `ce` on the agent's /api/v1/executor (JSON). */
export function executorCall(agent: InMemoryAgent, call: object) {
  return agent.app.request("http://agent/api/v1/executor", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ ...ids, ...call }),
  });
}

/** RUN_TASK of task `taskId` on executor `ce`, as the master sends it. */
export function launch(agent: InMemoryAgent, taskId: string, frameworkInfo: object = framework) {
  agent.fromMaster({
    case: "runTask",
    value: { frameworkInfo, task: { name: taskId, taskId: { value: taskId }, agentId: { value: TEST_AGENT_ID }, executor: customExecutor } },
  });
}

/** The status updates the agent sent the master about a task. */
export const updatesOf = (agent: InMemoryAgent, taskId = "t") =>
  agent.sent
    .filter((m): m is Extract<internal.AgentMessage["message"], { case: "statusUpdate" }> => m.case === "statusUpdate")
    .map((m) => m.value.status!)
    .filter((s) => s.taskId?.value === taskId);

/** A 16-byte uuid of one repeated byte, base64 (as JSON carries bytes). */
export const uuidOf = (byte: number) => Buffer.alloc(16, byte).toString("base64");

/** An executor's TaskStatus as JSON, its uuid made of `byte`. */
export const statusJson = (taskId: string, state: string, byte: number) => ({
  task_id: { value: taskId },
  state,
  source: "SOURCE_EXECUTOR",
  uuid: uuidOf(byte),
});

export type ExecutorEvent = { type: string; acknowledged?: { uuid: string }; message?: { data: string } };

/** Reads RecordIO JSON events from a subscription until `until` holds for what was read (10 s at most). */
export async function readEvents(res: Response, until: (events: ExecutorEvent[]) => boolean) {
  const reader = res.body!.getReader();
  const events: ExecutorEvent[] = [];
  let buffer = "";
  const deadline = Date.now() + 10_000;
  while (!until(events) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += new TextDecoder().decode(value);
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const length = Number(buffer.slice(0, nl));
      if (buffer.length < nl + 1 + length) break;
      events.push(JSON.parse(buffer.slice(nl + 1, nl + 1 + length)));
      buffer = buffer.slice(nl + 1 + length);
    }
  }
  reader.releaseLock();
  return events;
}

/**
 * An agent with a work dir and checkpoints on disk of its own, to be started again on them as after
 * a restart; the simulated containerizer is handed on (as a host's processes outlive the agent)
 * unless `options.containerizer` gives another.
 */
export function agentOnDisk(name: string) {
  const workDir = tempDir(name);
  const dbPath = join(workDir, "agent.db");
  const sim = createSimulatedContainerizer();
  const start = (options: InMemoryAgentOptions = {}) =>
    createInMemoryAgent({ workDir, store: createAgentStore(dbPath), containerizer: sim.containerizer, ...options });
  return { sim, start };
}
