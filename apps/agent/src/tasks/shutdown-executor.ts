/**
 * The scheduler's SHUTDOWN of an executor, as the agent carries it out for a task group's (default)
 * executor: its tasks are killed (the default executor's shutdown kills them all), its container
 * goes once they have ended, and the master hears EXITED_EXECUTOR (task-runner.ts).
 */
import { isTerminalState } from "@mesos/core";
import type { AgentContext } from "../context.ts";
import { requestKill } from "./kill-task.ts";

export function shutdownExecutor(ctx: AgentContext, frameworkId: string, executorId: string): void {
  if (ctx.customExecutors.shutdown(frameworkId, executorId)) return;
  const tasks = [...ctx.tasks.values()].filter((t) => t.frameworkId === frameworkId && t.executorId === executorId && !isTerminalState(t.state));
  if (tasks.length === 0) {
    ctx.log.warn(`Cannot shut down executor '${executorId}' of framework ${frameworkId}: it does not run here`);
    return;
  }
  ctx.log.info(`Shutting down executor '${executorId}' of framework ${frameworkId}`);
  for (const task of tasks) requestKill(ctx, task);
}
