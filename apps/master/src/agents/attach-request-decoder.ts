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
import { fromBinary } from "@bufbuild/protobuf";
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
import { NOT_PLAIN, shellOf, WireReader } from "./wire-reader.ts";

/** AttachRequest's fields read here. */
const FRAMEWORKS_FIELD = 6;
const TASKS_FIELD = 7;

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
  const reader = new WireReader(frame);
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
  const r = new WireReader(frame);
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
function frameworkId(r: WireReader, end: number): string | undefined {
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

function readTask(r: WireReader, end: number): Task {
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
        task.state = r.enumValue(TASK_STATES);
        break;
      case (7 << 3) | 2:
        task.resources.push(readResource(r, r.end()));
        break;
      case (9 << 3) | 0:
        task.statusUpdateState = r.enumValue(TASK_STATES);
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

function readResource(r: WireReader, end: number): Resource {
  const resource = newResource();
  while (r.pos < end) {
    switch (r.varint()) {
      case (1 << 3) | 2:
        resource.name = r.ascii();
        break;
      case (2 << 3) | 0:
        resource.type = r.enumValue(VALUE_TYPES);
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
          if (tag === ((4 << 3) | 0)) reservation.type = r.enumValue(RESERVATION_TYPES);
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

/** The closed enums' values (others are unknown fields to protobuf-es). */
const enumValues = (values: readonly { number: number }[]) => new Set(values.map((v) => v.number));
const TASK_STATES = enumValues(TaskSchema.field.state!.enum!.values);
const VALUE_TYPES = enumValues(ResourceSchema.field.type!.enum!.values);
const RESERVATION_TYPES = enumValues(Resource_ReservationInfoSchema.field.type!.enum!.values);
