/** Mesos's sandbox layout, so tools and people find task output where they expect it. */
import { dirname, join } from "node:path";
import type { LiveTask } from "../context.ts";

/** An executor's run: `<work_dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>`. */
export function sandboxPath(workDir: string, agentId: string, frameworkId: string, executorId: string, containerId: string): string {
  return join(workDir, "slaves", agentId, "frameworks", frameworkId, "executors", executorId, "runs", containerId);
}

/** A task of a task group works in `tasks/<task id>` of its executor's sandbox (the default executor's layout). */
export const groupTaskSandbox = (executorSandbox: string, taskId: string) => join(executorSandbox, "tasks", taskId);

/** The sandbox of the task's executor: its own for a command task (the task is its executor). */
export const executorSandbox = (task: LiveTask) => (task.executorId ? dirname(dirname(task.sandbox)) : task.sandbox);
