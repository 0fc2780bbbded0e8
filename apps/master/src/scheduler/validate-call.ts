/**
 * Call-level validation, as Mesos's validation::scheduler::call does before any handler runs (the
 * scheduler's guard stage runs it, after checking that `type` is present): the payload for that
 * type present, `framework_id` on every non-SUBSCRIBE call, well-formed uuids in acknowledgements.
 */
import { invalid } from "@mesos/core";
import { scheduler } from "@mesos/proto";

const T = scheduler.Call_Type;

const PAYLOAD: Partial<Record<scheduler.Call_Type, keyof scheduler.Call>> = {
  [T.SUBSCRIBE]: "subscribe",
  [T.ACCEPT]: "accept",
  [T.DECLINE]: "decline",
  [T.ACCEPT_INVERSE_OFFERS]: "acceptInverseOffers",
  [T.DECLINE_INVERSE_OFFERS]: "declineInverseOffers",
  [T.KILL]: "kill",
  [T.SHUTDOWN]: "shutdown",
  [T.ACKNOWLEDGE]: "acknowledge",
  [T.ACKNOWLEDGE_OPERATION_STATUS]: "acknowledgeOperationStatus",
  [T.RECONCILE]: "reconcile",
  [T.RECONCILE_OPERATIONS]: "reconcileOperations",
  [T.MESSAGE]: "message",
  [T.REQUEST]: "request",
  [T.UPDATE_FRAMEWORK]: "updateFramework",
};

const SNAKE: Partial<Record<keyof scheduler.Call, string>> = {
  acceptInverseOffers: "accept_inverse_offers",
  declineInverseOffers: "decline_inverse_offers",
  acknowledgeOperationStatus: "acknowledge_operation_status",
  reconcileOperations: "reconcile_operations",
  updateFramework: "update_framework",
};

/** Throws MesosError("invalid") for a malformed call (its type is present and known: the guard stage checked). */
export function validateCall(call: scheduler.Call): void {
  const payload = PAYLOAD[call.type];
  if (payload && call[payload] === undefined) {
    throw invalid(`Expecting '${SNAKE[payload] ?? payload}' to be present`);
  }
  if (call.type === T.SUBSCRIBE && (call.frameworkId?.value ?? "") !== (call.subscribe!.frameworkInfo?.id?.value ?? "")) {
    throw invalid("'framework_id' differs from 'subscribe.framework_info.id'");
  }
  if (call.type !== T.SUBSCRIBE && !call.frameworkId) throw invalid("Expecting 'framework_id' to be present");

  if (call.acknowledge && call.type === T.ACKNOWLEDGE) {
    const ack = call.acknowledge;
    if (!ack.taskId) throw invalid("Expecting 'acknowledge.task_id' to be present");
    if (!ack.agentId) throw invalid("Expecting 'acknowledge.agent_id' to be present");
    checkUuid(ack.uuid, "acknowledge.uuid");
  }
  if (call.acknowledgeOperationStatus && call.type === T.ACKNOWLEDGE_OPERATION_STATUS) {
    const ack = call.acknowledgeOperationStatus;
    if (!ack.agentId) throw invalid("Expecting 'agent_id' to be present");
    if (!ack.operationId) throw invalid("Expecting 'operation_id' to be present");
    checkUuid(ack.uuid, "acknowledge_operation_status.uuid");
  }
  if (call.kill && call.type === T.KILL && !call.kill.taskId) throw invalid("Expecting 'kill.task_id' to be present");
}

function checkUuid(bytes: Uint8Array, field: string): void {
  if (bytes.length !== 16) throw invalid(`Invalid UUID in '${field}': expected 16 bytes, got ${bytes.length}`);
}
