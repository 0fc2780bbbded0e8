/**
 * A custom executor across an agent restart, as Mesos 1.8's agent handles v1 HTTP executors
 * (slave.cpp: Slave::subscribe, reregisterExecutorTimeout). The executor, started with
 * MESOS_CHECKPOINT=1, re-subscribes when its connection drops, with the tasks and updates it has
 * not seen acknowledged: each update is ACKNOWLEDGED, taken only if the agent does not have it
 * already (still pending, acknowledged by the framework meanwhile, or of a task whose end was
 * acknowledged and which the agent forgot); tasks still STAGING that it
 * does not know never reached it. One that does not re-subscribe within --executor_reregistration_timeout
 * is shut down and its tasks are lost (TASK_LOST, or TASK_GONE for a partition-aware framework).
 */
import { create } from "@bufbuild/protobuf";
import { errorMessage, formatDuration, uuidFromBytes } from "@mesos/core";
import { executor, FrameworkInfo_Capability_Type, TaskState, type TaskStatus } from "@mesos/proto";
import { type AgentContext, taskKey } from "../context.ts";
import { uuidOf } from "../status-updates/status-update-manager.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "../tasks/task-status.ts";
import type { CustomExecutor } from "./custom-executors.ts";

/** What the tasks of an executor the agent is ending hear (Mesos's Executor::pendingTermination). */
export interface PendingTermination {
  state: TaskState;
  reason: TaskStatus_Reason;
  message: string;
}

function partitionAware(ctx: AgentContext, frameworkId: string): boolean {
  return ctx.frameworks.get(frameworkId)?.capabilities.some((c) => c.type === FrameworkInfo_Capability_Type.PARTITION_AWARE) ?? false;
}

/** --executor_reregistration_timeout after recovery: an executor that has not re-subscribed is destroyed. */
export function reregistrationTimedOut(ctx: AgentContext, e: CustomExecutor): void {
  if (e.ended || !e.awaitingResubscription) return;
  ctx.log.info(`Killing un-reregistered executor '${e.executorId}' of framework ${e.frameworkId}`);
  e.pendingTermination = {
    state: partitionAware(ctx, e.frameworkId) ? TaskState.TASK_GONE : TaskState.TASK_LOST,
    reason: TaskStatus_Reason.EXECUTOR_REREGISTRATION_TIMEOUT,
    message: `Executor did not reregister within ${formatDuration(ctx.flags.executor_reregistration_timeout)}`,
  };
  // Its container's end reports the tasks (custom-executors.ts, `ended`).
  void ctx.containerizer.destroy(e.containerId).catch((err) => ctx.log.warn(`Failed to destroy container ${e.containerId}: ${errorMessage(err)}`));
}

/** The agent has this update of the executor already: checkpointed and not yet acknowledged, or acknowledged by the framework. */
export function alreadyReceived(ctx: AgentContext, e: CustomExecutor, status: TaskStatus): boolean {
  const taskId = status.taskId!.value;
  const uuid = uuidFromBytes(status.uuid);
  return e.acknowledged.get(taskId)?.has(uuid) === true || ctx.statusUpdates.pending(e.frameworkId, taskId).some((u) => uuidOf(u) === uuid);
}

/**
 * What a SUBSCRIBE carries, before SUBSCRIBED goes out: its updates are taken (`take` takes each
 * once); returns the ACKNOWLEDGED events for those the agent now has.
 */
export function resubscribed(
  ctx: AgentContext,
  e: CustomExecutor,
  call: executor.Call_Subscribe,
  take: (status: TaskStatus) => boolean,
): executor.Event[] {
  const acknowledged: executor.Event[] = [];
  for (const { status } of call.unacknowledgedUpdates) {
    if (!status?.taskId || status.uuid.length !== 16) continue;
    // A task the agent no longer has ended here and its end was acknowledged: nothing to forward
    // (Mesos's agent would forward the update again, a duplicate the framework has to ignore).
    const forgotten = !ctx.tasks.has(taskKey(e.frameworkId, status.taskId.value));
    if (forgotten) ctx.log.info(`Acknowledging executor '${e.executorId}''s update of task ${status.taskId.value}, whose end was acknowledged`);
    else if (!take(status)) continue;
    acknowledged.push(
      create(executor.EventSchema, { type: executor.Event_Type.ACKNOWLEDGED, acknowledged: { taskId: status.taskId, uuid: status.uuid } }),
    );
  }
  const known = new Set(call.unacknowledgedTasks.map((t) => t.taskId?.value));
  const queued = new Set(
    e.queued.flatMap((q) => (q.launch?.task ? [q.launch.task] : (q.launchGroup?.taskGroup?.tasks ?? []))).map((t) => t.taskId!.value),
  );
  for (const task of ctx.tasks.values()) {
    const taskId = task.info.taskId!.value;
    if (!task.customExecutor || task.frameworkId !== e.frameworkId || task.executorId !== e.executorId) continue;
    if (task.state !== TaskState.TASK_STAGING || known.has(taskId) || queued.has(taskId)) continue;
    ctx.log.info(`Transitioning STAGED task ${taskId} because it is unknown to the executor '${e.executorId}'`);
    reportStatus(ctx, task, partitionAware(ctx, e.frameworkId) ? TaskState.TASK_DROPPED : TaskState.TASK_LOST, {
      message: "Task launched during agent restart",
      reason: TaskStatus_Reason.AGENT_RESTARTED,
      source: TaskStatus_Source.AGENT,
    });
  }
  return acknowledged;
}
