/**
 * An agent's status update goes to its framework unchanged (the UPDATE event carries the status
 * the agent sent). Its bytes are in the agent's frame already: the event is written around them
 * instead of encoding the decoded status again (protobuf-es's reflective encoder, for every update
 * of every task). Only a frame that names the status once qualifies: protobuf merges a message
 * field that occurs twice, and then the decoded status is not those bytes.
 */
import { WireType } from "@bufbuild/protobuf/wire";
import { internal, scheduler, type TaskStatus } from "@mesos/proto";
import { presetEncoding, singleField, varintSize, writeVarint } from "@mesos/rpc";
import { updateEvent } from "./task-status.ts";

const STATUS_UPDATE = internal.AgentMessageSchema.field.statusUpdate!.number;
const STATUS = internal.StatusUpdateSchema.field.status!.number;
const EVENT = {
  type: scheduler.EventSchema.field.type!.number,
  update: scheduler.EventSchema.field.update!.number,
  status: scheduler.Event_UpdateSchema.field.status!.number,
};
/** The TaskStatus bytes of an AgentMessage frame carrying a status update (undefined for anything else). */
export function statusBytesIn(frame: Uint8Array): Uint8Array | undefined {
  const update = singleField(frame, STATUS_UPDATE);
  return update && singleField(update, STATUS);
}

const TYPE_TAG = (EVENT.type << 3) | WireType.Varint;
const UPDATE_TAG = (EVENT.update << 3) | WireType.LengthDelimited;
const STATUS_TAG = (EVENT.status << 3) | WireType.LengthDelimited;

/** The UPDATE event relaying `status`; with its bytes as the agent sent them, its protobuf encoding is made from those. */
export function relayedUpdateEvent(status: TaskStatus, statusBytes: Uint8Array | undefined): scheduler.Event {
  const event = updateEvent(status);
  if (statusBytes === undefined) return event;
  const out = new Uint8Array(updateEventSize(statusBytes.length));
  out.set(statusBytes, writeUpdateEventHeader(out, statusBytes.length));
  presetEncoding(event, "protobuf", out);
  return event;
}

/** The size of `Event { type: UPDATE, update: Update { status } }` with a status of `statusLength` bytes. */
export function updateEventSize(statusLength: number): number {
  const update = varintSize(STATUS_TAG) + varintSize(statusLength) + statusLength;
  return varintSize(TYPE_TAG) + varintSize(scheduler.Event_Type.UPDATE) + varintSize(UPDATE_TAG) + varintSize(update) + update;
}

/** Writes that event up to its status, as protobuf-es writes it (fields in order); returns where the status goes. */
export function writeUpdateEventHeader(out: Uint8Array, statusLength: number): number {
  const update = varintSize(STATUS_TAG) + varintSize(statusLength) + statusLength;
  let at = writeVarint(out, 0, TYPE_TAG);
  at = writeVarint(out, at, scheduler.Event_Type.UPDATE);
  at = writeVarint(out, at, UPDATE_TAG);
  at = writeVarint(out, at, update);
  at = writeVarint(out, at, STATUS_TAG);
  return writeVarint(out, at, statusLength);
}
