/**
 * A task's terminal state and the update that reports it are checkpointed together: an agent
 * killed (kill -9) between the two writes must still report the task's end after its restart,
 * never leave a terminal task with no update queued (the framework would learn of it only by
 * reconciliation).
 */
import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { createAgentStore } from "@mesos/agent";
import { type internal, TaskState } from "@mesos/proto";
import { eventually, REPO_ROOT, tempDir } from "../support/cluster.ts";
import { createInMemoryAgent, register } from "../support/in-memory-agent.ts";
import { createSimulatedContainerizer } from "../support/simulated-containerizer.ts";

test("an agent killed at its terminal update's checkpoint reports the task's end after a restart", async () => {
  const workDir = tempDir("killed-between-writes");
  const dbPath = join(workDir, "agent.db");
  const child = Bun.spawn([process.execPath, join(REPO_ROOT, "test/fixtures/agent-killed-between-writes.ts"), dbPath, workDir], {
    stdout: "inherit",
    stderr: "inherit",
  });
  expect(await child.exited).not.toBe(0);
  expect(child.signalCode).toBe("SIGKILL");

  const db = new Database(dbPath);
  db.exec("DROP TRIGGER killed_here");
  db.close();
  const agent = await createInMemoryAgent({
    workDir,
    store: createAgentStore(dbPath),
    containerizer: createSimulatedContainerizer().containerizer,
    acknowledge: true,
  });
  try {
    register(agent);
    const ends = () =>
      agent.sent
        .filter((m): m is Extract<internal.AgentMessage["message"], { case: "statusUpdate" }> => m.case === "statusUpdate")
        .map((m) => m.value.status!)
        .filter((s) => s.taskId?.value === "t");
    // The restarted agent finds the task RUNNING with its container gone: it fails it (the update that
    // would have said FINISHED never reached the disk, nor did the FINISHED state).
    await eventually(() => ends().length > 0, 10_000, "an update for the task");
    // One update (sent at recovery and again once registered): the same uuid.
    expect(new Set(ends().map((s) => `${TaskState[s.state]} ${Buffer.from(s.uuid).toString("hex")}`)).size).toBe(1);
    expect(TaskState[ends()[0]!.state]).toBe("TASK_FAILED");
  } finally {
    await agent.stop();
  }
}, 30_000);
