/** The small scheduler calls: DECLINE, KILL, ACKNOWLEDGE, REVIVE, SUPPRESS. */
import { create } from "@bufbuild/protobuf";
import { isTerminalState, uuidFromBytes, validateRole } from "@mesos/core";
import { internal, type scheduler } from "@mesos/proto";
import { acknowledgementFrame } from "../agents/acknowledgement-frame.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { reconcileTasks } from "../tasks/reconcile.ts";
import { refuseSeconds } from "./filters.ts";

export function decline(ctx: MasterContext, framework: Framework, call: scheduler.Call_Decline): void {
  const refuse = refuseSeconds(call.filters);
  for (const { value: id } of call.offerIds) {
    const offer = ctx.offers.get(id);
    if (offer?.frameworkId !== framework.id) {
      ctx.log.warn(`Ignoring decline of offer ${id} by framework ${framework.id}: the offer is no longer valid`);
      continue;
    }
    ctx.offers.remove(id, { recover: true, refuseSeconds: refuse });
    framework.count("offers/declined");
    ctx.triggerAllocation(offer.agentId);
  }
}

export function kill(ctx: MasterContext, framework: Framework, call: scheduler.Call_Kill): void {
  const taskId = call.taskId!.value;
  const task = ctx.tasks.active(framework.id).get(taskId);
  if (!task) {
    ctx.log.warn(`Cannot kill unknown task ${taskId} of framework ${framework.id}; reconciling it`);
    reconcileTasks(ctx, framework, [{ taskId, agentId: call.agentId?.value }]);
    return;
  }
  const agent = ctx.agents.get(task.agentId!.value);
  if (!agent?.connected) {
    ctx.log.warn(`Cannot kill task ${taskId} now: agent ${task.agentId!.value} is disconnected`);
    return;
  }
  agent.send(
    create(internal.MasterMessageSchema, {
      message: {
        case: "killTask",
        value: { frameworkId: { value: framework.id }, taskId: call.taskId, killPolicy: call.killPolicy },
      },
    }),
  );
}

/**
 * Resolves once the acknowledgement is in the registry (the call is answered then): a master that
 * restarts still knows it, and answers the agent itself if it resends the update.
 */
export function acknowledge(ctx: MasterContext, framework: Framework, agentId: string, taskId: string, uuid: Uint8Array): Promise<void> {
  // Remembered even when the agent cannot be told now: when it resends the update, the master answers.
  const task = ctx.tasks.acknowledge(framework.id, taskId, uuid);
  const agent = ctx.agents.get(agentId);
  if (!agent?.connected) {
    ctx.metrics.increment("master/invalid_status_update_acknowledgements");
    ctx.log.warn(`Ignoring acknowledgement ${uuidFromBytes(uuid)} for task ${taskId}: agent ${agentId} is not connected`);
    return ctx.tasks.acknowledgementsCommitted();
  }
  if (task && isTerminalState(task.statusUpdateState)) ctx.tasks.complete(task);
  agent.send(acknowledgementFrame(framework.id, taskId, uuid));
  ctx.metrics.increment("master/valid_status_update_acknowledgements");
  return ctx.tasks.acknowledgementsCommitted();
}

/**
 * The roles named by REVIVE/SUPPRESS, or undefined if one is invalid or not subscribed: Mesos then
 * drops the whole call, only logging it.
 */
function rolesOf(ctx: MasterContext, framework: Framework, roles: readonly string[], call: string): string[] | undefined {
  for (const role of roles) {
    const error = validateRole(role) ?? (framework.roles.includes(role) ? undefined : `role '${role}' is not subscribed`);
    if (error) {
      ctx.log.warn(`Dropping ${call} from framework ${framework.id}: ${error}`);
      return undefined;
    }
  }
  return roles.length > 0 ? [...roles] : framework.roles;
}

export function revive(ctx: MasterContext, framework: Framework, call: scheduler.Call_Revive | undefined): void {
  const roles = rolesOf(ctx, framework, call?.roles ?? [], "REVIVE");
  if (!roles) return;
  ctx.frameworks.revive(framework, roles);
  ctx.triggerAllocation();
}

export function suppress(ctx: MasterContext, framework: Framework, call: scheduler.Call_Suppress | undefined): void {
  const roles = rolesOf(ctx, framework, call?.roles ?? [], "SUPPRESS");
  if (!roles) return;
  ctx.frameworks.suppress(framework, roles);
}
