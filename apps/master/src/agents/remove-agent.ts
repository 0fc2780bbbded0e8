/**
 * Losing an agent (Mesos's __removeSlave). Unreachable (health checks failed): tasks of
 * partition-aware frameworks become TASK_UNREACHABLE and may come back, others TASK_LOST, with
 * REASON_AGENT_REMOVED. Gone (operator): TASK_GONE_BY_OPERATOR with REASON_AGENT_REMOVED_BY_OPERATOR
 * for partition-aware frameworks, TASK_LOST with REASON_AGENT_REMOVED for others, and the agent may
 * never come back. Removed (its machine went DOWN for maintenance, Mesos's removeSlave): TASK_LOST
 * with REASON_AGENT_REMOVED for every framework, the registry forgets the agent; it may register
 * again once the machine is UP. In every case every connected framework then hears FAILURE naming
 * only the agent (Mesos's sendSlaveLost).
 * The registry is written first, so a master restart agrees with what frameworks were told.
 */
import { create } from "@bufbuild/protobuf";
import { isTerminalState } from "@mesos/core";
import { internal, OperationState, scheduler, TaskState, TimeInfoSchema } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { reportOperationsLost } from "../operations/operation-feedback.ts";
import { masterStatus, TaskStatus_Reason, updateEvent } from "../tasks/task-status.ts";
import type { Agent } from "./agent.ts";

type Removal = "unreachable" | "gone" | "removed";

export function markAgentUnreachable(ctx: MasterContext, agent: Agent, reason: string): Promise<void> {
  return removeAgent(ctx, agent, "unreachable", reason);
}

export function markAgentGone(ctx: MasterContext, agent: Agent): Promise<void> {
  return removeAgent(ctx, agent, "gone", GONE_MESSAGE);
}

const GONE_MESSAGE = "Agent has been marked gone";

/** The agent's machine went DOWN: the agent is told to shut down and removed (START_MAINTENANCE). */
export function removeAgentForMaintenance(ctx: MasterContext, agent: Agent, reason: string): Promise<void> {
  return removeAgent(ctx, agent, "removed", reason);
}

function newTaskState(removal: Removal, partitionAware: boolean): TaskState {
  if (!partitionAware || removal === "removed") return TaskState.TASK_LOST;
  return removal === "gone" ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_UNREACHABLE;
}

async function removeAgent(ctx: MasterContext, agent: Agent, removal: Removal, reason: string): Promise<void> {
  ctx.log.warn(
    `${removal === "removed" ? "Removing" : "Marking"} agent ${agent.id} (${agent.info.hostname})${removal === "removed" ? "" : ` ${removal}`}: ${reason}`,
  );
  agent.pingTimer?.cancel();
  if (removal === "removed") {
    agent.send(createShutdown(reason));
    await ctx.agents.forget(agent.id);
  } else {
    await ctx.agents.mark(agent.id, agent.info, removal);
  }
  const now = ctx.clock.now();
  ctx.metrics.increment(
    removal === "unreachable" ? "master/slave_unreachable_completed" : removal === "gone" ? "master/slaves_gone" : "master/slave_removals",
  );

  ctx.offers.rescindAgent(agent.id);
  ctx.inverseOffers.rescindAgent(agent.id);
  if (removal !== "removed") {
    reportOperationsLost(ctx, agent, removal === "gone" ? OperationState.OPERATION_GONE_BY_OPERATOR : OperationState.OPERATION_UNREACHABLE);
  }
  if (removal === "gone") agent.send(createShutdown(GONE_MESSAGE));

  for (const task of ctx.tasks.onAgent(agent.id)) {
    const framework = ctx.frameworks.get(task.frameworkId!.value);
    const wasTerminal = isTerminalState(task.state);
    const state = newTaskState(removal, framework?.partitionAware ?? false);
    const status = masterStatus(ctx, {
      taskId: task.taskId!.value,
      agentId: agent.id,
      state,
      reason: state === TaskState.TASK_GONE_BY_OPERATOR ? TaskStatus_Reason.AGENT_REMOVED_BY_OPERATOR : TaskStatus_Reason.AGENT_REMOVED,
      message:
        removal === "gone"
          ? reason
          : removal === "removed"
            ? `Agent ${agent.info.hostname} removed: ${reason}`
            : `Agent ${agent.info.hostname} is ${removal}: ${reason}`,
    });
    if (state === TaskState.TASK_UNREACHABLE) status.unreachableTime = create(TimeInfoSchema, { nanoseconds: BigInt(now) * 1_000_000n });
    if (!wasTerminal) framework?.send(updateEvent(status));
    if (state === TaskState.TASK_UNREACHABLE && !wasTerminal && framework) {
      // Kept so the task can come back if the agent does; the agent's removal frees its resources.
      ctx.tasks.markUnreachable(task, status);
    } else {
      if (!wasTerminal) ctx.tasks.transition(task, status);
      ctx.tasks.complete(task);
    }
  }
  // An unreachable agent may come back and resend its updates; a gone or removed one never does.
  if (removal !== "unreachable") ctx.tasks.forgetAcknowledgedOnAgent(agent.id);
  // Only now: the tasks' resources above went back to the agent's pool first.
  ctx.operations.forgetAgent(agent.id);
  ctx.executors.forgetAgent(agent.id);
  ctx.agents.remove(agent);
  // Mesos's sendSlaveLost: every connected framework hears the agent is lost.
  const lost = create(scheduler.EventSchema, { type: scheduler.Event_Type.FAILURE, failure: { agentId: { value: agent.id } } });
  for (const framework of ctx.frameworks.values()) if (framework.connected) framework.send(lost);
  ctx.triggerAllocation();
}

function createShutdown(message: string): internal.MasterMessage {
  return create(internal.MasterMessageSchema, { message: { case: "shutdown", value: { message } } });
}
