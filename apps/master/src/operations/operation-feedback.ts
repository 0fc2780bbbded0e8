/**
 * Operation feedback (Mesos 1.8): the agent's operation status updates are relayed to the
 * framework as UPDATE_OPERATION_STATUS with the agent's status uuid, and the framework's
 * ACKNOWLEDGE_OPERATION_STATUS travels back to the agent; after a terminal status is acknowledged
 * the operation is forgotten. Operations without an id (and operators') get no feedback: the
 * master acknowledges their updates itself.
 */
import { clone, create } from "@bufbuild/protobuf";
import { uuidFromBytes } from "@mesos/core";
import { internal, type Offer_Operation, type Operation, OperationState, type OperationStatus, OperationStatusSchema, scheduler } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { isSpeculative, settleOperation } from "./apply-operation.ts";

const TERMINAL = new Set([
  OperationState.OPERATION_FINISHED,
  OperationState.OPERATION_FAILED,
  OperationState.OPERATION_ERROR,
  OperationState.OPERATION_DROPPED,
]);
export const isTerminalOperationState = (s: OperationState) => TERMINAL.has(s);

export function operationStatusEvent(status: OperationStatus): scheduler.Event {
  return create(scheduler.EventSchema, { type: scheduler.Event_Type.UPDATE_OPERATION_STATUS, updateOperationStatus: { status } });
}

/** A status the master itself sends (errors, reconciliation, agent loss): no uuid, nothing to ack. */
export function masterOperationStatus(operationId: string, state: OperationState, agentId: string | undefined, message = ""): OperationStatus {
  return create(OperationStatusSchema, {
    operationId: { value: operationId },
    state,
    message,
    agentId: agentId === undefined ? undefined : { value: agentId },
  });
}

/** An invalid operation: OPERATION_ERROR for a framework that asked for feedback, a log line otherwise. */
export function operationError(ctx: MasterContext, framework: Framework, info: Offer_Operation, agentId: string, message: string): void {
  ctx.metrics.increment("master/invalid_operations");
  ctx.log.warn(`Framework ${framework.id}: invalid operation ${info.id?.value ?? "(no id)"}: ${message}`);
  if (info.id)
    framework.send(operationStatusEvent(masterOperationStatus(info.id.value, OperationState.OPERATION_ERROR, agentId || undefined, message)));
}

function acknowledgeToAgent(agent: Agent, operationUuid: Uint8Array, statusUuid: Uint8Array): void {
  agent.send(
    create(internal.MasterMessageSchema, {
      message: { case: "acknowledgeOperationStatus", value: { operationUuid, statusUuid } },
    }),
  );
}

export function handleOperationStatusUpdate(ctx: MasterContext, agent: Agent, update: internal.OperationStatusUpdate): void {
  const uuid = uuidFromBytes(update.operationUuid);
  const operation = ctx.operations.get(agent.id, uuid);
  const status = update.status!;
  if (!operation) {
    ctx.log.warn(`Operation status update for unknown operation ${uuid} on agent ${agent.id}; acknowledging it`);
    acknowledgeToAgent(agent, update.operationUuid, status.uuid!.value);
    return;
  }
  const wasTerminal = isTerminalOperationState(operation.latestStatus?.state ?? OperationState.OPERATION_PENDING);
  ctx.operations.update(operation, status, update.latestStatus);
  if (!wasTerminal && isTerminalOperationState(operation.latestStatus!.state) && !isSpeculative(operation.info!)) {
    settleOperation(ctx, agent, operation);
  }
  const frameworkId = operation.frameworkId?.value;
  if (frameworkId && operation.info?.id && !ctx.frameworks.isCompleted(frameworkId)) {
    // The framework acknowledges. If it has not (re-)subscribed yet (after a master failover),
    // nothing is sent and the agent's retry brings the update again later.
    ctx.frameworks.get(frameworkId)?.send(operationStatusEvent(status));
    return;
  }
  // An operator's operation, one without an id, or one of a removed framework: nobody else will
  // acknowledge it.
  acknowledgeToAgent(agent, update.operationUuid, status.uuid!.value);
  if (isTerminalOperationState(status.state)) ctx.operations.forget(agent.id, operation);
}

export function acknowledgeOperationStatus(ctx: MasterContext, framework: Framework, ack: scheduler.Call_AcknowledgeOperationStatus): void {
  const ignore = (why: string) => {
    ctx.metrics.increment("master/invalid_operation_status_update_acknowledgements");
    ctx.log.warn(`Ignoring acknowledgement of operation ${ack.operationId?.value} from framework ${framework.id}: ${why}`);
  };
  const agent = ctx.agents.get(ack.agentId!.value);
  if (!agent?.connected) return ignore(`agent ${ack.agentId!.value} is not connected`);
  const operation = ctx.operations.find(framework.id, ack.operationId!.value, agent.id);
  if (!operation) return ignore("unknown operation");
  const statusUuid = uuidFromBytes(ack.uuid);
  const status = operation.statuses.find((s) => s.uuid && uuidFromBytes(s.uuid.value) === statusUuid);
  if (!status) return ignore(`unknown status uuid ${statusUuid}`);
  acknowledgeToAgent(agent, operation.uuid!.value, ack.uuid);
  ctx.metrics.increment("master/valid_operation_status_update_acknowledgements");
  if (isTerminalOperationState(status.state)) ctx.operations.forget(agent.id, operation);
}

/**
 * The agent is unreachable or gone: one best-effort update per operation with an id of a
 * connected framework (UNREACHABLE or GONE_BY_OPERATOR, no uuid, no retry).
 */
export function reportOperationsLost(ctx: MasterContext, agent: Agent, state: OperationState): void {
  for (const operation of ctx.operations.onAgent(agent.id)) {
    const id = operation.info?.id?.value;
    const framework = operation.frameworkId ? ctx.frameworks.get(operation.frameworkId.value) : undefined;
    if (!id || !framework) continue;
    framework.send(operationStatusEvent(masterOperationStatus(id, state, agent.id, `Agent ${agent.id} is ${OperationState[state]}`)));
  }
}

/** The operation's latest status as reconciliation reports it: without a uuid. */
export function latestWithoutUuid(operation: Operation): OperationStatus {
  const status = clone(OperationStatusSchema, operation.latestStatus!);
  status.uuid = undefined;
  return status;
}
