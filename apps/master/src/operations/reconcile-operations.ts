/**
 * RECONCILE_OPERATIONS with Mesos 1.8's semantics: the call is accepted at once and the answers
 * arrive as UPDATE_OPERATION_STATUS events without uuid. No operations named: the latest status of
 * every operation the master knows for the framework. Named: by the rules below.
 */
import { OperationState, type scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { latestWithoutUuid, masterOperationStatus, operationStatusEvent } from "./operation-feedback.ts";

export function reconcileOperations(ctx: MasterContext, framework: Framework, call: scheduler.Call_ReconcileOperations): void {
  if (call.operations.length === 0) {
    for (const { agentId, uuid } of ctx.operations.ofFramework(framework.id).values()) {
      const operation = ctx.operations.get(agentId, uuid);
      if (operation) framework.send(operationStatusEvent(latestWithoutUuid(operation)));
    }
    return;
  }
  for (const entry of call.operations) {
    const id = entry.operationId!.value;
    const agentId = entry.agentId?.value;
    const operation = ctx.operations.find(framework.id, id, agentId);
    const reply = (state: OperationState) => framework.send(operationStatusEvent(masterOperationStatus(id, state, agentId)));
    if (operation) {
      framework.send(operationStatusEvent(latestWithoutUuid(operation)));
      continue;
    }
    const registry = agentId ? ctx.agents.entry(agentId) : undefined;
    if (!agentId || !registry) reply(OperationState.OPERATION_UNKNOWN);
    else if (ctx.agents.has(agentId)) reply(OperationState.OPERATION_UNKNOWN);
    else if (registry.state === "admitted") reply(OperationState.OPERATION_RECOVERING);
    else if (registry.state === "unreachable") reply(OperationState.OPERATION_UNREACHABLE);
    else reply(OperationState.OPERATION_GONE_BY_OPERATOR);
  }
}
