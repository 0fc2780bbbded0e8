/**
 * Task status updates through the acknowledged-update machinery: one stream per task.
 */
import { type Clock, isTerminalState, type Logger, uuidFromBytes } from "@mesos/core";
import { toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { FrameworkIDSchema, internal, TaskState, type TaskStatus, TaskStatusSchema } from "@mesos/proto";
import type { EncodedAgentMessage } from "../master-link.ts";
import { createAcknowledgedUpdates, type UpdateStore } from "./acknowledged-updates.ts";
import { encodeTaskStatus } from "./task-status-bytes.ts";

export interface PendingUpdate {
  frameworkId: string;
  taskId: string;
  /** Status with `uuid` set: the identity the acknowledgement refers to. */
  status: TaskStatus;
  /** `status.uuid` as text, once computed (the update's stream, its checkpoint and its acknowledgement all compare it). */
  uuid?: string;
  /** `status` encoded, once: its checkpoint and every send of it carry these bytes. */
  encoded?: Uint8Array;
  /** Its checkpoint's row, once stored (the acknowledgement removes that row). */
  seq?: number;
}

export type StatusUpdateStore = UpdateStore<PendingUpdate>;

export const uuidOf = (u: PendingUpdate) => (u.uuid ??= uuidFromBytes(u.status.uuid));
export const encodedStatus = (u: PendingUpdate) => (u.encoded ??= encodeTaskStatus(u.status) ?? toBinary(TaskStatusSchema, u.status));

/**
 * The StatusUpdate the master hears for `u`, written around the status's bytes already encoded
 * (for its checkpoint) rather than encoding the status again for every send.
 */
export function encodedStatusUpdate(u: PendingUpdate, latestState: TaskState | undefined): EncodedAgentMessage {
  const w = new BinaryWriter();
  w.tag(FIELD.frameworkId, WireType.LengthDelimited).fork().tag(FRAMEWORK_ID_VALUE, WireType.LengthDelimited).string(u.frameworkId).join();
  w.tag(FIELD.status, WireType.LengthDelimited).bytes(encodedStatus(u));
  if (latestState !== undefined) w.tag(FIELD.latestState, WireType.Varint).int32(latestState);
  return { case: "encoded", field: STATUS_UPDATE_FIELD, bytes: w.finish() };
}

const FIELD = {
  frameworkId: internal.StatusUpdateSchema.field.frameworkId!.number,
  status: internal.StatusUpdateSchema.field.status!.number,
  latestState: internal.StatusUpdateSchema.field.latestState!.number,
};
const FRAMEWORK_ID_VALUE = FrameworkIDSchema.field.value!.number;
const STATUS_UPDATE_FIELD = internal.AgentMessageSchema.field.statusUpdate!.number;
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
      uuidOf,
      isTerminal: (u) => isTerminalState(u.status.state),
      describe: (u) => `${TaskState[u.status.state]} for task ${u.taskId} of framework ${u.frameworkId}`,
    },
    onTerminalAcknowledged: (u) => options.onTerminalAcknowledged?.(u.frameworkId, u.taskId),
  });
  return {
    /** `checkpointed`: the caller stored it already, in a transaction of its own (the store's reportTaskStatus). */
    update(u: PendingUpdate, options: { checkpointed?: boolean } = {}): void {
      if (u.status.uuid.length === 0) throw new Error("status update without uuid");
      updates.update(u, options);
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
