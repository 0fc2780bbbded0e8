/**
 * An agent's status update goes to its framework unchanged (the UPDATE event carries the status
 * the agent sent). Its bytes are in the agent's frame already: the event is written around them
 * instead of encoding the decoded status again (protobuf-es's reflective encoder, for every update
 * of every task). Only a frame that names the status once qualifies: protobuf merges a message
 * field that occurs twice, and then the decoded status is not those bytes.
 */
import { internal, scheduler, type TaskStatus } from "@mesos/proto";
import { presetEncoding } from "@mesos/rpc";
import { updateEvent } from "./task-status.ts";

const STATUS_UPDATE = internal.AgentMessageSchema.field.statusUpdate!.number;
const STATUS = internal.StatusUpdateSchema.field.status!.number;
const EVENT = {
  type: scheduler.EventSchema.field.type!.number,
  update: scheduler.EventSchema.field.update!.number,
  status: scheduler.Event_UpdateSchema.field.status!.number,
};
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** A varint at `at`: its value (up to 2^53) and where the next field starts; undefined past the end. */
function varint(bytes: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 1; at < bytes.length; shift *= 128) {
    const b = bytes[at++]!;
    value += (b & 0x7f) * shift;
    if (b < 0x80) return [value, at];
    if (shift > 2 ** 42) return undefined;
  }
  return undefined;
}

/** The bytes of the one field `number` (length-delimited) in a message; undefined if it is absent, occurs more than once, or the message does not parse. */
function onlyField(bytes: Uint8Array, number: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  let at = 0;
  while (at < bytes.length) {
    const tag = varint(bytes, at);
    if (!tag) return undefined;
    at = tag[1];
    const wireType = tag[0] % 8;
    if (wireType === VARINT) {
      const skipped = varint(bytes, at);
      if (!skipped) return undefined;
      at = skipped[1];
    } else if (wireType === FIXED64) at += 8;
    else if (wireType === FIXED32) at += 4;
    else if (wireType === LENGTH_DELIMITED) {
      const length = varint(bytes, at);
      if (!length || length[1] + length[0] > bytes.length) return undefined;
      if (Math.floor(tag[0] / 8) === number) {
        if (found) return undefined;
        found = bytes.subarray(length[1], length[1] + length[0]);
      }
      at = length[1] + length[0];
    } else return undefined; // groups: not in these messages
  }
  return at === bytes.length ? found : undefined;
}

/** The TaskStatus bytes of an AgentMessage frame carrying a status update (undefined for anything else). */
export function statusBytesIn(frame: Uint8Array): Uint8Array | undefined {
  const update = onlyField(frame, STATUS_UPDATE);
  return update && onlyField(update, STATUS);
}

function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

const TYPE_TAG = (EVENT.type << 3) | VARINT;
const UPDATE_TAG = (EVENT.update << 3) | LENGTH_DELIMITED;
const STATUS_TAG = (EVENT.status << 3) | LENGTH_DELIMITED;

/** The UPDATE event relaying `status`; with its bytes as the agent sent them, its protobuf encoding is made from those. */
export function relayedUpdateEvent(status: TaskStatus, statusBytes: Uint8Array | undefined): scheduler.Event {
  const event = updateEvent(status);
  if (statusBytes === undefined) return event;
  // Event { type: UPDATE, update: Update { status } }, as protobuf-es writes it (fields in order).
  const update = varintLength(STATUS_TAG) + varintLength(statusBytes.length) + statusBytes.length;
  const size = varintLength(TYPE_TAG) + varintLength(scheduler.Event_Type.UPDATE) + varintLength(UPDATE_TAG) + varintLength(update) + update;
  const out = new Uint8Array(size);
  let at = writeVarint(out, 0, TYPE_TAG);
  at = writeVarint(out, at, scheduler.Event_Type.UPDATE);
  at = writeVarint(out, at, UPDATE_TAG);
  at = writeVarint(out, at, update);
  at = writeVarint(out, at, STATUS_TAG);
  at = writeVarint(out, at, statusBytes.length);
  out.set(statusBytes, at);
  presetEncoding(event, "protobuf", out);
  return event;
}
