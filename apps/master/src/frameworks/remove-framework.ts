/**
 * Tearing a framework down (TEARDOWN, failover timeout, operator): its tasks are killed on their
 * agents, its offers and allocations go back to the allocator, and it moves to the completed list.
 */
import { create } from "@bufbuild/protobuf";
import { TaskState, internal } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { masterStatus, TaskStatus_Reason } from "../tasks/task-status.ts";
import type { Framework } from "./framework.ts";

export function removeFramework(ctx: MasterContext, framework: Framework, reason: string): void {
  ctx.log.info(`Removing framework ${framework.id} (${framework.info.name}): ${reason}`);
  framework.failoverTimer?.cancel();
  framework.closeSubscription();
  for (const offer of ctx.offers.ofFramework(framework.id)) ctx.offers.remove(offer.offer.id!.value, { recover: true });
  ctx.inverseOffers.rescindFramework(framework.id, false);

  // As in Mesos: running tasks are killed by decree, with no update to the (gone) framework;
  // operator API subscribers hear of it.
  const agents = ctx.tasks.removeFramework(framework.id, (task) =>
    masterStatus(ctx, {
      taskId: task.taskId!.value,
      agentId: task.agentId!.value,
      state: TaskState.TASK_KILLED,
      reason: TaskStatus_Reason.FRAMEWORK_REMOVED,
      message: `Framework ${framework.id} removed`,
    }),
  );
  for (const agentId of agents) {
    ctx.agents.get(agentId)?.send(
      create(internal.MasterMessageSchema, {
        message: { case: "shutdownFramework", value: { frameworkId: { value: framework.id } } },
      }),
    );
  }
  ctx.operations.forgetFramework(framework.id);
  ctx.frameworks.remove(framework);
  ctx.triggerAllocation();
}
