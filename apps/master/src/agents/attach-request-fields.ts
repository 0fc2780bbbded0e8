/**
 * Readers of the messages an agent's AttachRequest carries (attach-request-decoder.ts): each reads
 * a message that has only the fields a plain report has, all ASCII, each singular one once, into
 * the message protobuf-es would make, and throws NOT_PLAIN at anything else (then protobuf-es
 * decodes that message).
 */
import {
  AgentIDSchema,
  type AgentInfo,
  type AgentInfo_Capability,
  AgentInfo_CapabilitySchema,
  AgentInfoSchema,
  ExecutorIDSchema,
  FrameworkIDSchema,
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
import { shellOf } from "@mesos/rpc";
import { NOT_PLAIN, type WireReader } from "./wire-reader.ts";

/** AgentInfo { hostname, port, resources, id }: attributes and a domain are left to protobuf-es. */
export function readAgentInfo(r: WireReader, end: number): AgentInfo {
  const info = newAgentInfo();
  let hostname = false;
  let port = false;
  while (r.pos < end) {
    switch (r.varint()) {
      case (1 << 3) | 2:
        if (hostname) throw NOT_PLAIN;
        hostname = true;
        info.hostname = r.ascii();
        break;
      case (8 << 3) | 0: {
        if (port) throw NOT_PLAIN;
        port = true;
        const value = r.varint();
        // An int32 above 2^31 - 1 (a negative one) is left to protobuf-es.
        if (value > 0x7fffffff) throw NOT_PLAIN;
        info.port = value;
        break;
      }
      case (3 << 3) | 2:
        info.resources.push(readResource(r, r.end()));
        break;
      case (6 << 3) | 2:
        if (info.id) throw NOT_PLAIN;
        info.id = r.id(newAgentId());
        break;
      default:
        throw NOT_PLAIN;
    }
  }
  return r.at(end, info);
}

/** AgentInfo.Capability { type }. */
export function readCapability(r: WireReader, end: number): AgentInfo_Capability {
  const capability = newCapability();
  let typed = false;
  while (r.pos < end) {
    if (r.varint() !== ((1 << 3) | 0) || typed) throw NOT_PLAIN;
    typed = true;
    capability.type = r.enumValue(CAPABILITY_TYPES);
  }
  return r.at(end, capability);
}

export function readTask(r: WireReader, end: number): Task {
  const task = newTask();
  while (r.pos < end) {
    switch (r.varint()) {
      case (1 << 3) | 2:
        task.name = r.ascii(false);
        break;
      case (2 << 3) | 2:
        if (task.taskId) throw NOT_PLAIN;
        task.taskId = r.id(newTaskId(), false);
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

export function readResource(r: WireReader, end: number): Resource {
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

const newAgentInfo = shellOf(AgentInfoSchema);
const newCapability = shellOf(AgentInfo_CapabilitySchema);
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
const CAPABILITY_TYPES = enumValues(AgentInfo_CapabilitySchema.field.type!.enum!.values);
const RESERVATION_TYPES = enumValues(Resource_ReservationInfoSchema.field.type!.enum!.values);
