/**
 * Task status updates through the acknowledged-update machinery: one stream per task.
 */
import { type Clock, isTerminalState, type Logger, uuidFromBytes } from "@mesos/core";
import { toBinary } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { varintSize, writeVarint } from "@mesos/rpc";
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
 * (for its checkpoint) rather than encoding the status again for every send; byte by byte, as
 * protobuf-es would write it (its BinaryWriter's forks and copies cost more than these few fields).
 */
export function encodedStatusUpdate(u: PendingUpdate, latestState: TaskState | undefined): EncodedAgentMessage {
  const frameworkId = encodedFrameworkId(u.frameworkId);
  const status = encodedStatus(u);
  const idSize = fieldSize(FRAMEWORK_ID_VALUE, frameworkId.length);
  const hasLatest = latestState !== undefined && latestState >= 0;
  const size =
    fieldSize(FRAMEWORK_ID, idSize) + fieldSize(STATUS, status.length) + (hasLatest ? varintSize(LATEST_STATE) + varintSize(latestState) : 0);
  const out = new Uint8Array(size);
  let at = writeVarint(out, writeVarint(out, 0, FRAMEWORK_ID), idSize);
  at = writeVarint(out, writeVarint(out, at, FRAMEWORK_ID_VALUE), frameworkId.length);
  out.set(frameworkId, at);
  at = writeVarint(out, writeVarint(out, at + frameworkId.length, STATUS), status.length);
  out.set(status, at);
  if (hasLatest) writeVarint(out, writeVarint(out, at + status.length, LATEST_STATE), latestState);
  return { case: "encoded", field: STATUS_UPDATE_FIELD, bytes: out };
}

const lengthDelimited = (field: number) => (field << 3) | WireType.LengthDelimited;
const FRAMEWORK_ID = lengthDelimited(internal.StatusUpdateSchema.field.frameworkId!.number);
const STATUS = lengthDelimited(internal.StatusUpdateSchema.field.status!.number);
const LATEST_STATE = (internal.StatusUpdateSchema.field.latestState!.number << 3) | WireType.Varint;
const FRAMEWORK_ID_VALUE = lengthDelimited(FrameworkIDSchema.field.value!.number);
const STATUS_UPDATE_FIELD = internal.AgentMessageSchema.field.statusUpdate!.number;
const fieldSize = (tag: number, length: number) => varintSize(tag) + varintSize(length) + length;

/** Framework ids as UTF-8: a handful of frameworks' updates, thousands a second. */
const frameworkIds = new Map<string, Uint8Array>();
const MAX_KEPT_FRAMEWORK_IDS = 1024;
function encodedFrameworkId(id: string): Uint8Array {
  let bytes = frameworkIds.get(id);
  if (!bytes) {
    if (frameworkIds.size >= MAX_KEPT_FRAMEWORK_IDS) frameworkIds.clear();
    frameworkIds.set(id, (bytes = new TextEncoder().encode(id)));
  }
  return bytes;
}

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
