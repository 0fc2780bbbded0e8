/**
 * Task status updates through the acknowledged-update machinery: one stream per task.
 */
import { type Clock, isTerminalState, type Logger, uuidFromBytes } from "@mesos/core";
import { TaskState, type TaskStatus } from "@mesos/proto";
import { createAcknowledgedUpdates, type UpdateStore } from "./acknowledged-updates.ts";

export interface PendingUpdate {
  frameworkId: string;
  taskId: string;
  /** Status with `uuid` set: the identity the acknowledgement refers to. */
  status: TaskStatus;
}

export type StatusUpdateStore = UpdateStore<PendingUpdate>;

export const uuidOf = (status: TaskStatus) => uuidFromBytes(status.uuid);
const streamKey = (frameworkId: string, taskId: string) => `${frameworkId}\u0000${taskId}`;

interface StatusUpdateManagerOptions {
  store: StatusUpdateStore;
  clock: Clock;
  log: Logger;
  forward(update: PendingUpdate): boolean;
  onTerminalAcknowledged?(frameworkId: string, taskId: string): void;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export function createStatusUpdateManager(options: StatusUpdateManagerOptions) {
  const updates = createAcknowledgedUpdates<PendingUpdate>({
    ...options,
    kind: {
      streamOf: (u) => streamKey(u.frameworkId, u.taskId),
      uuidOf: (u) => uuidOf(u.status),
      isTerminal: (u) => isTerminalState(u.status.state),
      describe: (u) => `${TaskState[u.status.state]} for task ${u.taskId} of framework ${u.frameworkId}`,
    },
    onTerminalAcknowledged: (u) => options.onTerminalAcknowledged?.(u.frameworkId, u.taskId),
  });
  return {
    update(u: PendingUpdate): void {
      if (u.status.uuid.length === 0) throw new Error("status update without uuid");
      updates.update(u);
    },
    acknowledge: (frameworkId: string, taskId: string, uuid: string) => updates.acknowledge(streamKey(frameworkId, taskId), uuid),
    recover: updates.recover,
    resendAll: updates.resendAll,
    removeFramework: (frameworkId: string) => updates.dropStreams((key) => key.startsWith(`${frameworkId}\u0000`)),
    pending: (frameworkId: string, taskId: string) => updates.pending(streamKey(frameworkId, taskId)),
    stop: updates.stop,
  };
}

export type StatusUpdateManager = ReturnType<typeof createStatusUpdateManager>;
