/**
 * The master's reconciliation requests on re-registration (Mesos's Slave::reregistered): tasks it
 * has on this agent that the agent did not report. One the agent does not know (its launch was
 * lost) gets a terminal update, sent reliably like any other so the master can forget it: TASK_DROPPED
 * to a partition-aware framework, TASK_LOST to others. One it does know (the launch raced the
 * re-registration) needs nothing: its own updates follow.
 */
import { create } from "@bufbuild/protobuf";
import { newUuidBytes } from "@mesos/core";
import { FrameworkInfo_Capability_Type, type internal, TaskState, TaskStatus_Reason, TaskStatus_Source, TaskStatusSchema } from "@mesos/proto";
import { type AgentContext, taskKey } from "../context.ts";

export function answerReconciliations(ctx: AgentContext, reconciliations: internal.ReconcileTasks[]): void {
  for (const reconcile of reconciliations) {
    const frameworkId = reconcile.frameworkId!.value;
    const partitionAware = reconcile.framework?.capabilities.some((c) => c.type === FrameworkInfo_Capability_Type.PARTITION_AWARE) ?? false;
    const state = partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    for (const { taskId } of reconcile.statuses) {
      if (ctx.tasks.has(taskKey(frameworkId, taskId!.value))) continue;
      // Already answered (a re-registration before the framework acknowledged): not a second time.
      if (ctx.statusUpdates.pending(frameworkId, taskId!.value).length > 0) continue;
      ctx.log.warn(`Agent reconciling task ${taskId!.value} of framework ${frameworkId} in state ${TaskState[state]}: task unknown to the agent`);
      const status = create(TaskStatusSchema, {
        taskId,
        state,
        source: TaskStatus_Source.AGENT,
        message: "Reconciliation: task unknown to the agent",
        reason: TaskStatus_Reason.RECONCILIATION,
        agentId: ctx.info.id,
        timestamp: ctx.clock.now() / 1000,
        uuid: newUuidBytes(),
      });
      ctx.statusUpdates.update({ frameworkId, taskId: taskId!.value, status });
    }
  }
}
