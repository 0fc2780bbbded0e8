/**
 * KILL: SIGTERM to the task's process group, SIGKILL (the container destroyed) after the grace
 * period (KillPolicy, or --executor_shutdown_grace_period). Frameworks with TASK_KILLING_STATE hear
 * TASK_KILLING first. A task of a task group takes its whole group with it (default executor).
 */
import { FrameworkInfo_Capability_Type, type KillPolicy, TaskState } from "@mesos/proto";
import { isTerminalState } from "@mesos/core";
import { rootKey } from "@mesos/plugin-api";
import { type AgentContext, type LiveTask, taskKey } from "../context.ts";
import { reportStatus } from "./task-status.ts";

export function killTask(ctx: AgentContext, frameworkId: string, taskId: string, killPolicy?: KillPolicy): void {
  const task = ctx.tasks.get(taskKey(frameworkId, taskId));
  if (!task) {
    ctx.log.warn(`Cannot kill unknown task ${taskId} of framework ${frameworkId}`);
    return;
  }
  if (task.customExecutor) {
    if (!task.killRequested && !isTerminalState(task.state)) ctx.customExecutors.kill(task, killPolicy);
    return;
  }
  const targets = task.executorId ? groupOf(ctx, task) : [task];
  for (const t of targets) requestKill(ctx, t, t === task ? killPolicy : undefined);
}

/** The tasks that share `task`'s executor container (including itself). */
export function groupOf(ctx: AgentContext, task: LiveTask): LiveTask[] {
  // A command task's container is its own: no need to look through every task (this runs as each task ends).
  if (task.executorId === undefined) return ctx.tasks.get(taskKey(task.frameworkId, task.info.taskId!.value)) === task ? [task] : [];
  const root = rootKey(task.containerId);
  return [...ctx.tasks.values()].filter(
    (t) => t.frameworkId === task.frameworkId && t.executorId === task.executorId && rootKey(t.containerId) === root,
  );
}

export function requestKill(ctx: AgentContext, task: LiveTask, killPolicy?: KillPolicy): void {
  if (task.killRequested || isTerminalState(task.state)) return;
  task.killRequested = true;
  ctx.store.markKillRequested(task.frameworkId, task.info.taskId!.value);
  if (task.launching) return; // the launch sees killRequested and stops the task once it runs
  startKill(ctx, task, killPolicy ?? task.info.killPolicy);
}

export function startKill(ctx: AgentContext, task: LiveTask, killPolicy?: KillPolicy): void {
  const framework = ctx.frameworks.get(task.frameworkId);
  if (framework?.capabilities.some((c) => c.type === FrameworkInfo_Capability_Type.TASK_KILLING_STATE)) {
    reportStatus(ctx, task, TaskState.TASK_KILLING);
  }
  const graceNs = killPolicy?.gracePeriod?.nanoseconds;
  const graceMs = graceNs === undefined ? ctx.flags.executor_shutdown_grace_period : Number(graceNs / 1_000_000n);
  ctx.containerizer.signal(task.containerId, "SIGTERM");
  task.killTimer = ctx.clock.setTimeout(() => ctx.containerizer.signal(task.containerId, "SIGKILL"), graceMs);
}
