/**
 * SHUTDOWN of a framework (torn down, or not partition-aware after this agent was unreachable):
 * its tasks are killed and it is forgotten, including updates not yet acknowledged — the framework
 * is gone, nobody will acknowledge them.
 */
import { isTerminalState } from "@mesos/core";
import type { AgentContext } from "../context.ts";
import { executorOf, taskMessage } from "../projection/summaries.ts";

export function shutdownFramework(ctx: AgentContext, frameworkId: string): void {
  ctx.log.info(`Shutting down framework ${frameworkId}`);
  ctx.shuttingDown.add(frameworkId);
  ctx.statusUpdates.removeFramework(frameworkId);
  // Its operations' effects (reservations, volumes) stay; their feedback has nobody to go to.
  for (const [uuid, op] of ctx.operations) {
    if (op.frameworkId?.value !== frameworkId) continue;
    ctx.operationUpdates.dropStreams((stream) => stream === uuid);
    ctx.operations.delete(uuid);
    ctx.store.removeOperation(uuid);
  }
  ctx.customExecutors.shutdownFramework(frameworkId);
  for (const task of frameworkTasks(ctx, frameworkId)) {
    if (isTerminalState(task.state)) forgetTask(ctx, frameworkId, task.info.taskId!.value);
    else if (!task.customExecutor) ctx.killTask(frameworkId, task.info.taskId!.value);
  }
  forgetFrameworkIfIdle(ctx, frameworkId);
}

/**
 * The master shut this agent down (Mesos's ShutdownMessage: its machine went DOWN for maintenance,
 * it was marked gone, or it may not register): every framework is shut down, so no task outlives
 * an agent the master has declared lost. Resolves once the tasks have ended, or after twice the
 * kill grace period.
 */
export async function shutdownAllFrameworks(ctx: AgentContext, graceMs: number): Promise<void> {
  for (const frameworkId of new Set([...ctx.frameworks.keys(), ...[...ctx.tasks.values()].map((t) => t.frameworkId)])) {
    shutdownFramework(ctx, frameworkId);
  }
  const deadline = ctx.clock.now() + 2 * graceMs;
  while (ctx.tasks.size > 0 && ctx.clock.now() < deadline) await ctx.clock.sleep(50);
  if (ctx.tasks.size > 0) ctx.log.warn(`${ctx.tasks.size} task(s) still ending after the shutdown grace period`);
}

function frameworkTasks(ctx: AgentContext, frameworkId: string) {
  return [...ctx.tasks.values()].filter((t) => t.frameworkId === frameworkId);
}

/** Drops a finished task from memory and the checkpoint; the completed history keeps it. */
export function forgetTask(ctx: AgentContext, frameworkId: string, taskId: string): void {
  const live = ctx.tasks.get(`${frameworkId}/${taskId}`);
  if (live) ctx.completed.taskDone(taskMessage(ctx, live), executorOf(live));
  if (live?.customExecutor) ctx.customExecutors.taskForgotten(live);
  ctx.tasks.delete(`${frameworkId}/${taskId}`);
  ctx.store.removeTask(frameworkId, taskId);
  forgetFrameworkIfIdle(ctx, frameworkId);
}

/** A framework with no task and no custom executor left here is forgotten (Mesos's Framework::idle). */
export function forgetFrameworkIfIdle(ctx: AgentContext, frameworkId: string): void {
  // Runs as each task is forgotten: stop at the first task of the framework rather than list them all.
  for (const t of ctx.tasks.values()) if (t.frameworkId === frameworkId) return;
  if (ctx.customExecutors.runFor(frameworkId)) return;
  if (ctx.frameworks.has(frameworkId)) ctx.completed.frameworkDone(frameworkId, ctx.frameworks.get(frameworkId));
  ctx.frameworks.delete(frameworkId);
  // Shut down, it goes from the checkpoint at once; merely idle, its row is left for later (store.frameworkIdle).
  if (ctx.shuttingDown.delete(frameworkId)) ctx.store.removeFramework(frameworkId);
  else ctx.store.frameworkIdle(frameworkId);
}
