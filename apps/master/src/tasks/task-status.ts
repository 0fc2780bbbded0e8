/** Building task statuses and UPDATE events, and moving tasks between states on the master. */
import { create } from "@bufbuild/protobuf";
import { isTerminalState, Resources } from "@mesos/core";
import { type Task, type TaskState, type TaskStatus, TaskStatus_Reason, TaskStatus_Source, TaskStatusSchema, scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { emitTaskUpdated } from "../operator/operator-events.ts";

const MAX_STATUSES_PER_TASK = 64;

/** A status the master itself generates (reconciliation, agent loss): no uuid, nothing to ack. */
export function masterStatus(
  ctx: MasterContext,
  fields: { taskId: string; agentId?: string; state: TaskState; reason: TaskStatus_Reason; message: string },
): TaskStatus {
  return create(TaskStatusSchema, {
    taskId: { value: fields.taskId },
    agentId: fields.agentId ? { value: fields.agentId } : undefined,
    state: fields.state,
    reason: fields.reason,
    message: fields.message,
    source: TaskStatus_Source.MASTER,
    timestamp: ctx.clock.now() / 1000,
  });
}

export function updateEvent(status: TaskStatus): scheduler.Event {
  return create(scheduler.EventSchema, { type: scheduler.Event_Type.UPDATE, update: { status } });
}

/**
 * Records a new status on the master's copy of a task. `latestState` is the newest state the agent
 * knows (it may be ahead of the update being forwarded). Resources of a task that just became
 * terminal go back to the allocator at once; the task itself stays until the framework acknowledges
 * its terminal update.
 */
export function applyTaskStatus(ctx: MasterContext, task: Task, status: TaskStatus, latestState?: TaskState): void {
  const wasTerminal = isTerminalState(task.state);
  const previousState = task.state;
  task.state = latestState ?? status.state;
  task.statusUpdateState = status.state;
  task.statusUpdateUuid = status.uuid;
  task.statuses.push(status);
  if (task.statuses.length > MAX_STATUSES_PER_TASK) task.statuses.splice(0, task.statuses.length - MAX_STATUSES_PER_TASK);
  if (task.state !== previousState) emitTaskUpdated(ctx, task, status);
  if (!wasTerminal && isTerminalState(task.state)) {
    ctx.allocator.recoverResources(task.frameworkId!.value, task.agentId!.value, Resources.of(task.resources), 0);
    ctx.triggerAllocation();
  }
}

/** Forgets a task on the master: it moves to the framework's completed tasks. */
export function completeTask(ctx: MasterContext, framework: Framework | undefined, task: Task): void {
  const taskId = task.taskId!.value;
  const frameworkId = task.frameworkId!.value;
  if (!isTerminalState(task.state)) {
    // Terminal by decree (e.g. agent gone): release what the task held.
    ctx.allocator.recoverResources(frameworkId, task.agentId!.value, Resources.of(task.resources), 0);
  }
  ctx.agents.get(task.agentId!.value)?.removeTask(frameworkId, taskId);
  if (framework) {
    framework.tasks.delete(taskId);
    framework.unreachableTasks.delete(taskId);
    framework.addCompletedTask(task, ctx.flags.max_completed_tasks_per_framework);
  }
}

export { TaskStatus_Reason };
