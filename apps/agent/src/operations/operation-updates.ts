/** Operation status updates through the acknowledged-update machinery: one stream per operation. */
import { type Clock, type Logger, uuidFromBytes } from "@mesos/core";
import { OperationState, type OperationStatus } from "@mesos/proto";
import { createAcknowledgedUpdates, type UpdateStore } from "../status-updates/acknowledged-updates.ts";

export interface OperationUpdate {
  /** The operation's uuid (string form): its stream. */
  operationUuid: string;
  frameworkId?: string;
  /** Status with `uuid` set: the identity the acknowledgement refers to. */
  status: OperationStatus;
}

export const statusUuidOf = (u: OperationUpdate) => uuidFromBytes(u.status.uuid!.value);

const TERMINAL = new Set([
  OperationState.OPERATION_FINISHED,
  OperationState.OPERATION_FAILED,
  OperationState.OPERATION_ERROR,
  OperationState.OPERATION_DROPPED,
]);

function isTerminalOperationState(state: OperationState): boolean {
  return TERMINAL.has(state);
}

export function createOperationUpdateManager(options: {
  store: UpdateStore<OperationUpdate>;
  clock: Clock;
  log: Logger;
  forward(u: OperationUpdate): boolean;
  onTerminalAcknowledged(operationUuid: string): void;
}) {
  return createAcknowledgedUpdates<OperationUpdate>({
    ...options,
    kind: {
      streamOf: (u) => u.operationUuid,
      uuidOf: statusUuidOf,
      isTerminal: (u) => isTerminalOperationState(u.status.state),
      describe: (u) => `${OperationState[u.status.state]} for operation ${u.operationUuid}`,
    },
    onTerminalAcknowledged: (u) => options.onTerminalAcknowledged(u.operationUuid),
  });
}

export type OperationUpdateManager = ReturnType<typeof createOperationUpdateManager>;
