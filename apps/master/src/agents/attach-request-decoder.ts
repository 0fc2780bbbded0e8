/**
 * An agent's AttachRequest decoded with its tasks read by hand. After a failover 10,000 agents
 * report about ten tasks each at once, and protobuf-es's reflective decoding of those tasks was
 * most of a re-registration's decoding (they are most of the report). A task with only the fields
 * a launched task has (ids, name, state, user, the update state and uuid, resources that are
 * scalars, ranges or sets with roles, allocation and reservations without labels), all in ASCII,
 * is read here into the same message protobuf-es would make; any other task (statuses, labels, a
 * container, an unknown field or enum value, non-ASCII text, a field given twice) is decoded by
 * protobuf-es, and so is the rest of the request, and so is a frame whose bytes protobuf-es would
 * part differently (wire-matches-schema.ts). The result equals `fromBinary` of the frame but for
 * the frameworks the caller knows, left out (attach-request-decoder.test.ts checks both on
 * generated and mutated requests).
 */
import { create, type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import {
  AgentIDSchema,
  ExecutorIDSchema,
  FrameworkIDSchema,
  internal,
  type Resource,
  Resource_AllocationInfoSchema,
  Resource_ReservationInfoSchema,
  ResourceSchema,
  type Task,
  TaskIDSchema,
  TaskSchema,
  Value_RangeSchema,
  Value_RangesSchema,
  Value_ScalarSchema,
  Value_SetSchema,
} from "@mesos/proto";
import { wireMatchesSchema } from "./wire-matches-schema.ts";

/** AttachRequest's fields read here. */
const FRAMEWORKS_FIELD = 6;
const TASKS_FIELD = 7;

/** A task or resource this reader does not take: protobuf-es decodes it. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

/** How the reported tasks were decoded (the tests check the hand path is taken). */
export const tasksDecoded = { byHand: 0, byProtobufEs: 0 };

/**
 * `known`: frameworks the master knows, whose FrameworkInfo it does not take from an agent; they
 * are left out of `frameworks` undecoded (an agent reports each framework with tasks there, and
 * decoding them was most of what protobuf-es still did here).
 */
export function decodeAttachRequest(frame: Uint8Array, known?: (frameworkId: string) => boolean): internal.AttachRequest {
  // Parted only where protobuf-es would find the same parts (it reads on past a nested message's end).
  const split = wireMatchesSchema(internal.AttachRequestSchema, frame) ? splitTasks(frame, known) : undefined;
  if (!split) return fromBinary(internal.AttachRequestSchema, frame);
  const req = fromBinary(internal.AttachRequestSchema, split.rest);
  const reader = new Reader(frame);
  req.tasks = split.tasks.map(([start, end]) => {
    try {
      reader.pos = start;
      const task = readTask(reader, end);
      tasksDecoded.byHand++;
      return task;
    } catch (e) {
      if (e !== NOT_PLAIN) throw e;
      tasksDecoded.byProtobufEs++;
      return fromBinary(TaskSchema, frame.subarray(start, end));
    }
  });
  return req;
}

/**
 * The tasks' places (their bytes, without tag and length) and the request's other fields copied
 * together in their order; undefined if the frame does not parse (protobuf-es says why).
 */
function splitTasks(frame: Uint8Array, known?: (frameworkId: string) => boolean): { tasks: [number, number][]; rest: Uint8Array } | undefined {
  const r = new Reader(frame);
  const tasks: [number, number][] = [];
  const others: [number, number][] = [];
  let restLength = 0;
  try {
    while (r.pos < frame.length) {
      const start = r.pos;
      const tag = r.varint();
      const wireType = tag & 7;
      if (tag >>> 3 === TASKS_FIELD && wireType === 2) {
        const length = r.varint();
        r.need(length);
        tasks.push([r.pos, r.pos + length]);
        r.pos += length;
        continue;
      }
      if (known && tag >>> 3 === FRAMEWORKS_FIELD && wireType === 2) {
        const end = r.end();
        const id = frameworkId(r, end);
        r.pos = end;
        if (id !== undefined && known(id)) continue;
        others.push([start, end]);
        restLength += end - start;
        continue;
      }
      r.skip(wireType);
      others.push([start, r.pos]);
      restLength += r.pos - start;
    }
  } catch {
    return undefined;
  }
  const rest = new Uint8Array(restLength);
  let at = 0;
  for (const [start, end] of others) {
    rest.set(frame.subarray(start, end), at);
    at += end - start;
  }
  return { tasks, rest };
}

/** A FrameworkInfo's id (field 3, a FrameworkID); undefined if it has none or it is not plain. */
function frameworkId(r: Reader, end: number): string | undefined {
  let id: string | undefined;
  try {
    while (r.pos < end) {
      const tag = r.varint();
      if (tag === ((3 << 3) | 2)) id = r.id({ value: "" }).value;
      else r.skip(tag & 7);
    }
  } catch {
    return undefined;
  }
  return id;
}

function readTask(r: Reader, end: number): Task {
  const task = newTask();
  while (r.pos < end) {
    switch (r.varint()) {
      case (1 << 3) | 2:
        task.name = r.ascii();
        break;
      case (2 << 3) | 2:
        if (task.taskId) throw NOT_PLAIN;
        task.taskId = r.id(newTaskId());
        break;
      case (3 << 3) | 2:
        if (task.frameworkId) throw NOT_PLAIN;
        task.frameworkId = r.id(newFrameworkId());
        break;
      case (4 << 3) | 2:
        if (task.executorId) throw NOT_PLAIN;
        task.executorId = r.id(newExecutorId());
        break;
      case (5 << 3) | 2:
        if (task.agentId) throw NOT_PLAIN;
        task.agentId = r.id(newAgentId());
        break;
      case (6 << 3) | 0:
        task.state = r.enumValue(TASK_STATE_MAX);
        break;
      case (7 << 3) | 2:
        task.resources.push(readResource(r, r.end()));
        break;
      case (9 << 3) | 0:
        task.statusUpdateState = r.enumValue(TASK_STATE_MAX);
        break;
      case (10 << 3) | 2:
        task.statusUpdateUuid = r.bytes();
        break;
      case (14 << 3) | 2:
        task.user = r.ascii();
        break;
      default:
        throw NOT_PLAIN;
    }
  }
  if (r.pos !== end) throw NOT_PLAIN;
  return task;
}

function readResource(r: Reader, end: number): Resource {
  const resource = newResource();
  while (r.pos < end) {
    switch (r.varint()) {
      case (1 << 3) | 2:
        resource.name = r.ascii();
        break;
      case (2 << 3) | 0:
        resource.type = r.enumValue(VALUE_TYPE_MAX);
        break;
      case (3 << 3) | 2: {
        if (resource.scalar) throw NOT_PLAIN;
        const scalarEnd = r.end();
        const scalar = newScalar();
        while (r.pos < scalarEnd) {
          if (r.varint() !== ((1 << 3) | 1)) throw NOT_PLAIN;
          scalar.value = r.double();
        }
        resource.scalar = r.at(scalarEnd, scalar);
        break;
      }
      case (4 << 3) | 2: {
        if (resource.ranges) throw NOT_PLAIN;
        const rangesEnd = r.end();
        const ranges = newRanges();
        while (r.pos < rangesEnd) {
          if (r.varint() !== ((1 << 3) | 2)) throw NOT_PLAIN;
          const rangeEnd = r.end();
          const range = newRange();
          while (r.pos < rangeEnd) {
            const tag = r.varint();
            if (tag === ((1 << 3) | 0)) range.begin = r.uint64();
            else if (tag === ((2 << 3) | 0)) range.end = r.uint64();
            else throw NOT_PLAIN;
          }
          ranges.range.push(r.at(rangeEnd, range));
        }
        resource.ranges = r.at(rangesEnd, ranges);
        break;
      }
      case (5 << 3) | 2: {
        if (resource.set) throw NOT_PLAIN;
        const setEnd = r.end();
        const set = newSet();
        while (r.pos < setEnd) {
          if (r.varint() !== ((1 << 3) | 2)) throw NOT_PLAIN;
          set.item.push(r.ascii());
        }
        resource.set = r.at(setEnd, set);
        break;
      }
      case (6 << 3) | 2:
        resource.role = r.ascii();
        break;
      case (11 << 3) | 2: {
        if (resource.allocationInfo) throw NOT_PLAIN;
        const infoEnd = r.end();
        const info = newAllocationInfo();
        while (r.pos < infoEnd) {
          if (r.varint() !== ((1 << 3) | 2)) throw NOT_PLAIN;
          info.role = r.ascii();
        }
        resource.allocationInfo = r.at(infoEnd, info);
        break;
      }
      case (13 << 3) | 2: {
        const reservationEnd = r.end();
        const reservation = newReservationInfo();
        while (r.pos < reservationEnd) {
          const tag = r.varint();
          if (tag === ((4 << 3) | 0)) reservation.type = r.enumValue(RESERVATION_TYPE_MAX);
          else if (tag === ((3 << 3) | 2)) reservation.role = r.ascii();
          else if (tag === ((1 << 3) | 2)) reservation.principal = r.ascii();
          else throw NOT_PLAIN;
        }
        resource.reservations.push(r.at(reservationEnd, reservation));
        break;
      }
      default:
        throw NOT_PLAIN;
    }
  }
  return r.at(end, resource);
}

/**
 * An empty message as `create(schema)` makes it (the same prototype holding the defaults, the same
 * own fields), without its walk over the descriptor: a report's tasks are about a hundred messages.
 */
function shellOf<Desc extends DescMessage>(schema: Desc): () => MessageShape<Desc> {
  const sample = create(schema) as unknown as Record<string, unknown>;
  const keys = Object.keys(sample).filter((k) => k !== "$typeName");
  if (!keys.every((k) => Array.isArray(sample[k]) && (sample[k] as unknown[]).length === 0)) return () => create(schema);
  // A constructor whose prototype is the one create() uses: JSC makes its objects faster than Object.create.
  const Shell = function (this: Record<string, unknown>) {
    this.$typeName = schema.typeName;
    for (const k of keys) this[k] = [];
  } as unknown as new () => MessageShape<Desc>;
  Shell.prototype = Object.getPrototypeOf(sample);
  return () => new Shell();
}

const newTask = shellOf(TaskSchema);
const newTaskId = shellOf(TaskIDSchema);
const newFrameworkId = shellOf(FrameworkIDSchema);
const newExecutorId = shellOf(ExecutorIDSchema);
const newAgentId = shellOf(AgentIDSchema);
const newResource = shellOf(ResourceSchema);
const newScalar = shellOf(Value_ScalarSchema);
const newRanges = shellOf(Value_RangesSchema);
const newRange = shellOf(Value_RangeSchema);
const newSet = shellOf(Value_SetSchema);
const newAllocationInfo = shellOf(Resource_AllocationInfoSchema);
const newReservationInfo = shellOf(Resource_ReservationInfoSchema);

/** The closed enums' values run from 0 to these, with no gaps (TaskState, Value.Type, ReservationInfo.Type). */
const TASK_STATE_MAX = 13;
const VALUE_TYPE_MAX = 3;
const RESERVATION_TYPE_MAX = 2;

/**
 * Text seen lately, by a hash of its bytes: most of a report's strings repeat (its agent id in
 * every task, the frameworks' ids, resource names and roles, the user), and reusing the string is
 * cheaper than making it again.
 */
const recentText = new Map<number, string>();
const RECENT_TEXT_MAX = 4096;

function sameText(text: string, buf: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = start; i < end; i++) if (text.charCodeAt(i - start) !== buf[i]) return false;
  return true;
}

/** A cursor over the frame; anything it does not expect throws NOT_PLAIN (or a RangeError past the end). */
class Reader {
  pos = 0;
  private readonly view: DataView;
  /** The same bytes, for Buffer's latin1 slice (ASCII text without a subarray and a decoder). */
  private readonly text: Buffer;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A varint up to 2^53 (tags, lengths, enums, uint64 values). */
  varint(): number {
    const buf = this.buf;
    if (this.pos >= buf.length) throw NOT_PLAIN;
    let b = buf[this.pos++]!;
    if (b < 0x80) return b;
    let value = b & 0x7f;
    for (let shift = 128; ; shift *= 128) {
      if (this.pos >= buf.length || shift > 2 ** 49) throw NOT_PLAIN;
      b = buf[this.pos++]!;
      value += (b & 0x7f) * shift;
      if (b < 0x80) return value;
    }
  }

  /** Where a length-delimited field that starts here ends. */
  end(): number {
    const length = this.varint();
    this.need(length);
    return this.pos + length;
  }

  need(length: number): void {
    if (this.pos + length > this.buf.length) throw NOT_PLAIN;
  }

  /** `value` if the message it was read from ended exactly at `end`. */
  at<T>(end: number, value: T): T {
    if (this.pos !== end) throw NOT_PLAIN;
    return value;
  }

  ascii(): string {
    const end = this.end();
    const buf = this.buf;
    const start = this.pos;
    let hash = end - start;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c > 0x7f) throw NOT_PLAIN;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    this.pos = end;
    const known = recentText.get(hash);
    if (known !== undefined && sameText(known, buf, start, end)) return known;
    const text = this.text.toString("latin1", start, end);
    if (recentText.size >= RECENT_TEXT_MAX) recentText.clear();
    recentText.set(hash, text);
    return text;
  }

  /** A TaskID, FrameworkID, AgentID or ExecutorID (one string field, 1, set only if it came) read into `id`. */
  id<T extends { value: string }>(id: T): T {
    const end = this.end();
    while (this.pos < end) {
      if (this.varint() !== ((1 << 3) | 2)) throw NOT_PLAIN;
      id.value = this.ascii();
    }
    return this.at(end, id);
  }

  /** A closed enum's value in [0, max] (others are unknown fields to protobuf-es). */
  enumValue(max: number): number {
    const value = this.varint();
    if (value > max) throw NOT_PLAIN;
    return value;
  }

  uint64(): bigint {
    const value = this.varint();
    if (value > Number.MAX_SAFE_INTEGER) throw NOT_PLAIN;
    return BigInt(value);
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  bytes(): Uint8Array {
    const end = this.end();
    const value = this.buf.subarray(this.pos, end);
    this.pos = end;
    return value;
  }

  /** Past a field of this wire type (groups are not taken). */
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 5) this.pos += 4;
    else if (wireType === 2) this.pos = this.end();
    else throw NOT_PLAIN;
    if (this.pos > this.buf.length) throw NOT_PLAIN;
  }
}
