/**
 * The UPDATE event of a status the master itself generates (a reconciliation answer), with its
 * protobuf encoding written by hand: after a failover every framework reconciles every task, and
 * protobuf-es's reflective `toBinary` of each answer cost about as much as the rest of answering it.
 * The bytes are protobuf-es's own for `masterStatus` (fields in number order, each written when set;
 * master-status-bytes.test.ts compares them); JSON streams encode the event's message as before.
 */
import { WireType } from "@bufbuild/protobuf/wire";
import { TaskStatusSchema, type scheduler } from "@mesos/proto";
import { presetEncoding, varintSize, writeVarint } from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { relayedUpdateEvent, updateEventSize, writeUpdateEventHeader } from "./relayed-status.ts";
import { masterStatus, type MasterStatusFields, updateEvent } from "./task-status.ts";

const tag = (number: number, type: WireType) => number * 8 + type;
const S = TaskStatusSchema.field;
const TASK_ID = tag(S.taskId!.number, WireType.LengthDelimited);
const STATE = tag(S.state!.number, WireType.Varint);
const MESSAGE = tag(S.message!.number, WireType.LengthDelimited);
const AGENT_ID = tag(S.agentId!.number, WireType.LengthDelimited);
const TIMESTAMP = tag(S.timestamp!.number, WireType.Bit64);
const SOURCE = tag(S.source!.number, WireType.Varint);
const REASON = tag(S.reason!.number, WireType.Varint);
// TaskID and AgentID: `value` is field 1.
const ID_VALUE = tag(1, WireType.LengthDelimited);

const encoder = new TextEncoder();
const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The UPDATE event carrying `masterStatus(ctx, fields)`, its protobuf encoding made here (in one allocation). */
export function masterUpdateEvent(ctx: Pick<MasterContext, "clock">, fields: MasterStatusFields): scheduler.Event {
  const status = masterStatus(ctx, fields);
  // Enums below 0 take ten bytes as protobuf writes them; the master's never are.
  if (status.state < 0 || status.reason < 0) return relayedUpdateEvent(status, undefined);
  const { taskId, message, agentId } = fields;
  const messageBytes = utf8(message);
  let size = idSize(TASK_ID, taskId) + varintSize(STATE) + varintSize(status.state) + fieldSize(MESSAGE, messageBytes.length);
  if (agentId) size += idSize(AGENT_ID, agentId);
  size += varintSize(TIMESTAMP) + 8 + varintSize(SOURCE) + varintSize(status.source) + varintSize(REASON) + varintSize(status.reason);
  const total = updateEventSize(size);
  const out = new Uint8Array(total);
  let at = writeUpdateEventHeader(out, size);
  at = writeId(out, at, TASK_ID, taskId);
  at = writeVarint(out, writeVarint(out, at, STATE), status.state);
  at = writeVarint(out, writeVarint(out, at, MESSAGE), messageBytes.length);
  out.set(messageBytes, at);
  at += messageBytes.length;
  if (agentId) at = writeId(out, at, AGENT_ID, agentId);
  at = writeVarint(out, at, TIMESTAMP);
  float[0] = status.timestamp;
  for (let i = 0; i < 8; i++) out[at++] = floatBytes[littleEndian ? i : 7 - i]!;
  at = writeVarint(out, writeVarint(out, at, SOURCE), status.source);
  at = writeVarint(out, writeVarint(out, at, REASON), status.reason);
  if (at !== total) throw new Error(`A master's status event took ${at} bytes, not the ${total} counted`);
  const event = updateEvent(status);
  presetEncoding(event, "protobuf", out);
  return event;
}

/** The few messages the master writes (reconciliation's), kept as UTF-8. */
const messages = new Map<string, Uint8Array>();
function utf8(text: string): Uint8Array {
  let bytes = messages.get(text);
  if (bytes === undefined) {
    bytes = encoder.encode(text);
    if (messages.size < 64) messages.set(text, bytes);
  }
  return bytes;
}

/** A string's UTF-8 length: its length when it is ASCII (ids mostly are). */
function utf8Length(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return encoder.encode(text).length;
  return text.length;
}

const fieldSize = (tag: number, length: number) => varintSize(tag) + varintSize(length) + length;
/** An id message ({ value }) as a field. */
const idSize = (tag: number, value: string) => fieldSize(tag, fieldSize(ID_VALUE, utf8Length(value)));

function writeId(out: Uint8Array, at: number, tag: number, value: string): number {
  const length = utf8Length(value);
  at = writeVarint(out, at, tag);
  at = writeVarint(out, at, fieldSize(ID_VALUE, length));
  at = writeVarint(out, writeVarint(out, at, ID_VALUE), length);
  if (length === value.length) {
    for (let i = 0; i < length; i++) out[at + i] = value.charCodeAt(i);
  } else {
    encoder.encodeInto(value, out.subarray(at, at + length));
  }
  return at + length;
}
