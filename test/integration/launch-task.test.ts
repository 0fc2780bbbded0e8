import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TaskState } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { startTestCluster } from "../support/test-cluster.ts";
import type { TestFramework } from "../support/framework.ts";

const cleanup = useCleanups();

function cluster() {
  return startTestCluster(cleanup);
}

async function launch(fw: TestFramework, taskId: string, command: string) {
  return fw.launch(taskId, command);
}

test("a command task runs to TASK_FINISHED and its output lands in the sandbox", async () => {
  const { agent, fw } = await cluster();
  await launch(fw, "hello", "echo hello");
  await fw.waitForStatus("hello", TaskState.TASK_STARTING);
  await fw.waitForStatus("hello", TaskState.TASK_RUNNING);
  const finished = await fw.waitForStatus("hello", TaskState.TASK_FINISHED);
  expect(finished.message).toBe("Command exited with status 0");
  const sandbox = join(
    agent.ctx.workDir,
    "slaves",
    agent.ctx.info.id!.value,
    "frameworks",
    fw.sub.frameworkId,
    "executors",
    "hello",
    "runs",
    "latest",
  );
  expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("hello\n");
});

test("a failing command gives TASK_FAILED with its exit status", async () => {
  const { fw } = await cluster();
  await launch(fw, "fails", "exit 3");
  const failed = await fw.waitForStatus("fails", TaskState.TASK_FAILED);
  expect(failed.message).toBe("Command exited with status 3");
  expect(failed.labels?.labels).toContainEqual(expect.objectContaining({ key: "exit_status", value: "3" }));
});

test("KILL stops a running task: TASK_KILLED", async () => {
  const { fw } = await cluster();
  const offer = await launch(fw, "sleeper", "sleep 1000");
  await fw.waitForStatus("sleeper", TaskState.TASK_RUNNING);
  await fw.sub.kill("sleeper", offer.agentId!.value);
  const killed = await fw.waitForStatus("sleeper", TaskState.TASK_KILLED);
  expect(killed.message).toBe("Command terminated with signal Terminated");
});
