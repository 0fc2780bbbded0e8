/**
 * Tearing a framework down (TEARDOWN, failover timeout, operator): its tasks are killed on their
 * agents, its offers and allocations go back to the allocator, and it moves to the completed list.
 */
import { create } from "@bufbuild/protobuf";
import { isTerminalState } from "@mesos/core";
import { TaskState, internal } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { removeOffer } from "../offers/offer-actions.ts";
import { emitFrameworkRemoved, emitTaskUpdated } from "../operator/operator-events.ts";
import { masterStatus, TaskStatus_Reason } from "../tasks/task-status.ts";
import type { Framework } from "./framework.ts";

export function removeFramework(ctx: MasterContext, framework: Framework, reason: string): void {
  ctx.log.info(`Removing framework ${framework.id} (${framework.info.name}): ${reason}`);
  framework.failoverTimer?.cancel();
  framework.closeSubscription();
  framework.active = false;
  for (const id of [...framework.offers]) removeOffer(ctx, id, { recover: true });

  const agentsToNotify = new Set<string>();
  for (const task of [...framework.tasks.values(), ...framework.unreachableTasks.values()]) {
    const agentId = task.agentId!.value;
    agentsToNotify.add(agentId);
    ctx.agents.get(agentId)?.removeTask(framework.id, task.taskId!.value);
    if (!isTerminalState(task.state)) {
      // As in Mesos: killed by decree, with no update to the (gone) framework; subscribers hear of it.
      const status = masterStatus(ctx, {
        taskId: task.taskId!.value,
        agentId,
        state: TaskState.TASK_KILLED,
        reason: TaskStatus_Reason.FRAMEWORK_REMOVED,
        message: `Framework ${framework.id} removed`,
      });
      task.state = TaskState.TASK_KILLED;
      task.statuses.push(status);
      emitTaskUpdated(ctx, task, status);
    }
    framework.addCompletedTask(task, ctx.flags.max_completed_tasks_per_framework);
  }
  framework.tasks.clear();
  framework.unreachableTasks.clear();
  for (const agentId of agentsToNotify) {
    ctx.agents.get(agentId)?.send(
      create(internal.MasterMessageSchema, {
        message: { case: "shutdownFramework", value: { frameworkId: { value: framework.id } } },
      }),
    );
  }

  ctx.allocator.removeFramework(framework.id);
  ctx.frameworks.delete(framework.id);
  framework.unregisteredAt = ctx.clock.now();
  ctx.completedFrameworks.push(framework);
  const excess = ctx.completedFrameworks.length - ctx.flags.max_completed_frameworks;
  if (excess > 0) ctx.completedFrameworks.splice(0, excess);
  emitFrameworkRemoved(ctx, framework.info);
  ctx.triggerAllocation();
}
