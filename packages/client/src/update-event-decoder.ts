/**
 * A scheduler's UPDATE events read by hand: a framework hears three a task, and protobuf-es's
 * reflective decoding of the status in each was about a tenth of a bench framework's CPU. Only
 * the status an agent writes is read (task, state, message, source, reason, agent, executor,
 * timestamp, uuid, the container's id without a parent), each field once, every enum value one the
 * schema knows; an event with anything else is left to protobuf-es (undefined). The messages are
 * made as protobuf-es makes them (`create`, then the fields read), so they are the same either way.
 */
import { create, type DescEnum } from "@bufbuild/protobuf";
import {
  AgentIDSchema,
  ContainerIDSchema,
  ContainerStatusSchema,
  ExecutorIDSchema,
  scheduler,
  TaskIDSchema,
  TaskStateSchema,
  type TaskStatus,
  TaskStatus_ReasonSchema,
  TaskStatus_SourceSchema,
  TaskStatusSchema,
} from "@mesos/proto";
import { readVarint } from "@mesos/rpc";

const VARINT = 0;
const FIXED64 = 1;
const DELIMITED = 2;
const tag = (field: { number: number }, wireType: number) => field.number * 8 + wireType;

const EVENT = scheduler.EventSchema.field;
const EVENT_TYPE = tag(EVENT.type!, VARINT);
const EVENT_UPDATE = tag(EVENT.update!, DELIMITED);
const UPDATE_STATUS = tag(scheduler.Event_UpdateSchema.field.status!, DELIMITED);
const S = TaskStatusSchema.field;
const TASK_ID = tag(S.taskId!, DELIMITED);
const STATE = tag(S.state!, VARINT);
const MESSAGE = tag(S.message!, DELIMITED);
const SOURCE = tag(S.source!, VARINT);
const REASON = tag(S.reason!, VARINT);
const AGENT_ID = tag(S.agentId!, DELIMITED);
const EXECUTOR_ID = tag(S.executorId!, DELIMITED);
const TIMESTAMP = tag(S.timestamp!, FIXED64);
const UUID = tag(S.uuid!, DELIMITED);
const CONTAINER_STATUS = tag(S.containerStatus!, DELIMITED);
const CONTAINER_ID = tag(ContainerStatusSchema.field.containerId!, DELIMITED);
/** `value = 1` of the id messages. */
const ID_VALUE = tag({ number: 1 }, DELIMITED);

const numbers = (e: DescEnum) => new Set(e.values.map((v) => v.number));
const STATES = numbers(TaskStateSchema);
const SOURCES = numbers(TaskStatus_SourceSchema);
const REASONS = numbers(TaskStatus_ReasonSchema);

// As protobuf-es decodes strings: a leading U+FEFF is text, not a byte-order mark.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Eight bytes read as a little-endian double (the platform's order: every one Bun runs on). */
const double = (() => {
  const value = new Float64Array(1);
  return { value, bytes: new Uint8Array(value.buffer) };
})();

/** Where the last read ended. */
let next = 0;

/** A single-byte key at `at` before `end` (every key read here is one), or -1. */
const keyAt = (bytes: Uint8Array, at: number, end: number) => (at < end && bytes[at]! < 0x80 ? bytes[at]! : -1);

/**
 * The end of the length-delimited field whose length is at `at` (the field starts at `next`), or
 * -1 past `end`. Ranges rather than subarrays: a view cost more than reading the field.
 */
function delimitedEnd(bytes: Uint8Array, at: number, end: number): number {
  const length = readVarint(bytes, at);
  if (!length || length[1] + length[0] > end) return -1;
  next = length[1];
  return length[1] + length[0];
}

/** A small non-negative varint at `at` (`next` after it), or -1. */
function smallVarint(bytes: Uint8Array, at: number, end: number): number {
  const v = readVarint(bytes, at);
  if (!v || v[1] > end || v[0] > 0x7fffffff) return -1;
  next = v[1];
  return v[0];
}

/**
 * The text a field held last, reused while the next bytes are the same: a master's reconciliation
 * answers repeat their message, an agent's tasks their agent id. A copy of the bytes is kept (a view
 * would keep the whole chunk of events they came in).
 */
class LastText {
  private bytes = new Uint8Array(0);
  private text = "";
  read(bytes: Uint8Array, start: number, end: number): string {
    const last = this.bytes;
    if (last.length === end - start) {
      let i = 0;
      while (i < last.length && last[i] === bytes[start + i]) i++;
      if (i === last.length) return this.text;
    }
    this.bytes = bytes.slice(start, end);
    this.text = decoder.decode(this.bytes);
    return this.text;
  }
}
const lastMessage = new LastText();
const lastAgentId = new LastText();

/** An id message in [start, end) when all it holds is its `value`, or undefined. */
function idValue(bytes: Uint8Array, start: number, end: number, last?: LastText): string | undefined {
  if (keyAt(bytes, start, end) !== ID_VALUE || delimitedEnd(bytes, start + 1, end) !== end) return undefined;
  return last ? last.read(bytes, next, end) : decoder.decode(bytes.subarray(next, end));
}

/** The event if it is an UPDATE whose status is of the shape above, or undefined. */
export function readUpdateEvent(bytes: Uint8Array): scheduler.Event | undefined {
  let typed = false;
  let updateStart = -1;
  let updateEnd = -1;
  for (let at = 0; at < bytes.length; ) {
    const key = keyAt(bytes, at, bytes.length);
    if (key === EVENT_TYPE && !typed) {
      if (smallVarint(bytes, at + 1, bytes.length) !== scheduler.Event_Type.UPDATE) return undefined;
      typed = true;
      at = next;
    } else if (key === EVENT_UPDATE && updateEnd < 0) {
      updateEnd = delimitedEnd(bytes, at + 1, bytes.length);
      if (updateEnd < 0) return undefined;
      updateStart = next;
      at = updateEnd;
    } else return undefined;
  }
  if (!typed || updateEnd < 0 || keyAt(bytes, updateStart, updateEnd) !== UPDATE_STATUS) return undefined;
  if (delimitedEnd(bytes, updateStart + 1, updateEnd) !== updateEnd) return undefined;
  const status = readStatus(bytes, next, updateEnd);
  if (!status) return undefined;
  const event = create(scheduler.EventSchema);
  event.type = scheduler.Event_Type.UPDATE;
  event.update = create(scheduler.Event_UpdateSchema);
  event.update.status = status;
  return event;
}

function readStatus(bytes: Uint8Array, start: number, end: number): TaskStatus | undefined {
  const status = create(TaskStatusSchema);
  // A bit per field number (all under 32) seen.
  let seen = 0;
  for (let at = start; at < end; ) {
    const key = keyAt(bytes, at, end);
    const bit = 1 << (key >>> 3);
    if (key < 0 || key >>> 3 >= 32 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    at++;
    if (key === STATE || key === SOURCE || key === REASON) {
      const value = smallVarint(bytes, at, end);
      const known = key === STATE ? STATES : key === SOURCE ? SOURCES : REASONS;
      if (!known.has(value)) return undefined;
      if (key === STATE) status.state = value;
      else if (key === SOURCE) status.source = value;
      else status.reason = value;
      at = next;
      continue;
    }
    if (key === TIMESTAMP) {
      if (at + 8 > end) return undefined;
      for (let i = 0; i < 8; i++) double.bytes[i] = bytes[at + i]!;
      status.timestamp = double.value[0]!;
      at += 8;
      continue;
    }
    const fieldEnd = delimitedEnd(bytes, at, end);
    if (fieldEnd < 0) return undefined;
    const fieldStart = next;
    at = fieldEnd;
    if (key === MESSAGE) status.message = lastMessage.read(bytes, fieldStart, fieldEnd);
    else if (key === UUID) status.uuid = bytes.subarray(fieldStart, fieldEnd);
    else if (key === CONTAINER_STATUS) {
      if (keyAt(bytes, fieldStart, fieldEnd) !== CONTAINER_ID || delimitedEnd(bytes, fieldStart + 1, fieldEnd) !== fieldEnd) return undefined;
      const value = idValue(bytes, next, fieldEnd);
      if (value === undefined) return undefined;
      status.containerStatus = create(ContainerStatusSchema);
      status.containerStatus.containerId = create(ContainerIDSchema);
      status.containerStatus.containerId.value = value;
    } else {
      const value = idValue(bytes, fieldStart, fieldEnd, key === AGENT_ID ? lastAgentId : undefined);
      if (value === undefined) return undefined;
      if (key === TASK_ID) (status.taskId = create(TaskIDSchema)).value = value;
      else if (key === AGENT_ID) (status.agentId = create(AgentIDSchema)).value = value;
      else if (key === EXECUTOR_ID) (status.executorId = create(ExecutorIDSchema)).value = value;
      else return undefined;
    }
  }
  return status;
}
