/**
 * Losing an agent. Unreachable (health checks failed): tasks of partition-aware frameworks become
 * TASK_UNREACHABLE and may come back, others TASK_LOST. Gone (operator): TASK_GONE_BY_OPERATOR
 * or TASK_LOST, and the agent may never come back. The registry is written first, so a master
 * restart agrees with what frameworks were told.
 */
import { create } from "@bufbuild/protobuf";
import { isTerminalState } from "@mesos/core";
import { internal, OperationState, TaskState, TimeInfoSchema } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { reportOperationsLost } from "../operations/operation-feedback.ts";
import { masterStatus, TaskStatus_Reason, updateEvent } from "../tasks/task-status.ts";
import type { Agent } from "./agent.ts";

export function markAgentUnreachable(ctx: MasterContext, agent: Agent, reason: string): Promise<void> {
  return removeAgent(ctx, agent, "unreachable", reason);
}

export function markAgentGone(ctx: MasterContext, agent: Agent, reason: string): Promise<void> {
  return removeAgent(ctx, agent, "gone", reason);
}

async function removeAgent(ctx: MasterContext, agent: Agent, state: "unreachable" | "gone", reason: string): Promise<void> {
  ctx.log.warn(`Marking agent ${agent.id} (${agent.info.hostname}) ${state}: ${reason}`);
  agent.pingTimer?.cancel();
  await ctx.agents.mark(agent.id, agent.info, state);
  const now = ctx.clock.now();
  ctx.metrics.increment(state === "unreachable" ? "master/slave_unreachable_completed" : "master/slaves_gone");

  ctx.offers.rescindAgent(agent.id);
  reportOperationsLost(ctx, agent, state === "gone" ? OperationState.OPERATION_GONE_BY_OPERATOR : OperationState.OPERATION_UNREACHABLE);
  if (state === "gone") agent.send(createShutdown(`Agent ${agent.id} has been marked gone by the operator`));

  for (const task of ctx.tasks.onAgent(agent.id)) {
    const framework = ctx.frameworks.get(task.frameworkId!.value);
    const partitionAware = framework?.partitionAware ?? false;
    const wasTerminal = isTerminalState(task.state);
    const newState =
      state === "gone"
        ? partitionAware
          ? TaskState.TASK_GONE_BY_OPERATOR
          : TaskState.TASK_LOST
        : partitionAware
          ? TaskState.TASK_UNREACHABLE
          : TaskState.TASK_LOST;
    const status = masterStatus(ctx, {
      taskId: task.taskId!.value,
      agentId: agent.id,
      state: newState,
      reason: state === "gone" ? TaskStatus_Reason.AGENT_REMOVED_BY_OPERATOR : TaskStatus_Reason.AGENT_REMOVED,
      message: `Agent ${agent.info.hostname} is ${state}: ${reason}`,
    });
    if (newState === TaskState.TASK_UNREACHABLE) status.unreachableTime = create(TimeInfoSchema, { nanoseconds: BigInt(now) * 1_000_000n });
    if (!wasTerminal) framework?.send(updateEvent(status));
    if (newState === TaskState.TASK_UNREACHABLE && !wasTerminal && framework) {
      // Kept so the task can come back if the agent does; the agent's removal frees its resources.
      ctx.tasks.markUnreachable(task, status);
    } else {
      if (!wasTerminal) ctx.tasks.transition(task, status);
      ctx.tasks.complete(task);
    }
  }
  // Only now: the tasks' resources above went back to the agent's pool first.
  ctx.operations.forgetAgent(agent.id);
  ctx.agents.remove(agent);
  ctx.triggerAllocation();
}

function createShutdown(message: string): internal.MasterMessage {
  return create(internal.MasterMessageSchema, { message: { case: "shutdown", value: { message } } });
}
