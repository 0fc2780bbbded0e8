/**
 * An agent's AttachRequest decoded by hand where it is plain. After a failover 10,000 agents
 * report about ten tasks each at once, and protobuf-es's reflective decoding was most of a
 * re-registration's work. A task with only the fields a launched task has (ids, name, state, user,
 * the update state and uuid, resources that are scalars, ranges or sets with roles, allocation and
 * reservations without labels), all in ASCII, is read here into the same message protobuf-es would
 * make, and so are the agent's info (hostname, port, resources, id), capabilities and checkpointed
 * resources (attach-request-fields.ts); any other message (statuses, labels, a container, an
 * unknown field or enum value, non-ASCII text, a field given twice) is decoded by protobuf-es on
 * its own. A request with an unknown field, agent_info twice or non-ASCII endpoint or version has
 * its fields but the tasks decoded by protobuf-es together, and a frame whose bytes protobuf-es
 * would part differently (wire-matches-schema.ts) is decoded by it whole. The result equals
 * `fromBinary` of the frame but for the frameworks the caller knows, left out
 * (attach-request-decoder.test.ts checks both on generated and mutated requests).
 */
import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { AgentInfoSchema, AgentInfo_CapabilitySchema, FrameworkInfoSchema, internal, ResourceSchema, TaskSchema } from "@mesos/proto";
import { readAgentInfo, readCapability, readResource, readTask } from "./attach-request-fields.ts";
import { wireMatchesSchema } from "./wire-matches-schema.ts";
import { shellOf } from "@mesos/rpc";
import { NOT_PLAIN, WireReader } from "./wire-reader.ts";

/** AttachRequest's fields read here. */
const FIELD = internal.AttachRequestSchema.field;
const AGENT_INFO_FIELD = FIELD.agentInfo!.number;
const ENDPOINT_FIELD = FIELD.endpoint!.number;
const VERSION_FIELD = FIELD.version!.number;
const CAPABILITIES_FIELD = FIELD.capabilities!.number;
const CHECKPOINTED_FIELD = FIELD.checkpointedResources!.number;
const FRAMEWORKS_FIELD = FIELD.frameworks!.number;
const TASKS_FIELD = FIELD.tasks!.number;
/** The request's other lists, decoded by protobuf-es a message at a time. */
const OTHER_LISTS = new Map([FIELD.operations!, FIELD.resourceProviders!, FIELD.executorInfos!].map((f) => [f.number, f]));

/** How the reported tasks were decoded (the tests check the hand path is taken). */
export const tasksDecoded = { byHand: 0, byProtobufEs: 0 };
/** How the requests were read: all by hand but for single messages, or their other fields by protobuf-es at once. */
export const requestsDecoded = { byHand: 0, split: 0 };

/**
 * `known`: frameworks the master knows, whose FrameworkInfo it does not take from an agent; they
 * are left out of `frameworks` undecoded (an agent reports each framework with tasks there, and
 * decoding them was most of what protobuf-es still did here).
 */
export function decodeAttachRequest(frame: Uint8Array, known?: (frameworkId: string) => boolean): internal.AttachRequest {
  const byHand = readRequest(frame, known);
  if (byHand) {
    requestsDecoded.byHand++;
    return byHand;
  }
  // Parted only where protobuf-es would find the same parts (it reads on past a nested message's end).
  if (!wireMatchesSchema(internal.AttachRequestSchema, frame)) return fromBinary(internal.AttachRequestSchema, frame);
  const split = splitTasks(frame, known);
  if (!split) return fromBinary(internal.AttachRequestSchema, frame);
  requestsDecoded.split++;
  const req = fromBinary(internal.AttachRequestSchema, split.rest);
  const reader = new WireReader(frame);
  req.tasks = split.tasks.map(([start, end]) => task(frame, reader, start, end, true));
  return req;
}

/** A reported task, by hand if it is plain. `shaped`: the frame's shape was checked (see `alone`). */
function task(frame: Uint8Array, r: WireReader, start: number, end: number, shaped: boolean): internal.AttachRequest["tasks"][number] {
  try {
    r.pos = start;
    const task = readTask(r, end);
    tasksDecoded.byHand++;
    return task;
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    const task = alone(TaskSchema, frame.subarray(start, end), shaped);
    tasksDecoded.byProtobufEs++;
    return task;
  }
}

/**
 * A message of the frame decoded by protobuf-es on its own, as it decodes it inside the frame: if
 * its bytes have the shape of its schema (wire-matches-schema.ts); else NOT_PLAIN (then only a
 * decoding of the whole frame is right). `shaped`: the whole frame's shape was checked already.
 */
function alone<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array, shaped = false): MessageShape<Desc> {
  if (!shaped && !wireMatchesSchema(schema, bytes)) throw NOT_PLAIN;
  return fromBinary(schema, bytes);
}

/** The message at `at` of the frame, by `read` if it is plain, else by protobuf-es (alone). */
function message<Desc extends DescMessage>(
  frame: Uint8Array,
  r: WireReader,
  [start, end]: [number, number],
  read: (r: WireReader, end: number) => MessageShape<Desc>,
  schema: Desc,
): MessageShape<Desc> {
  try {
    r.pos = start;
    return read(r, end);
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    return alone(schema, frame.subarray(start, end));
  }
}

/**
 * The whole request read here, each message by hand if it is plain and by protobuf-es if not (a
 * repeated field's messages are decoded one by one by protobuf-es too). A message read by hand is
 * checked as it is read (every tag expected, every nested message ending at its length); one left
 * to protobuf-es, for its shape (`alone`). Undefined for what only a decoding of the whole frame
 * gets right: an unknown field or wire type, a message not of its schema's shape, agent_info given
 * twice (protobuf-es merges the two), text that is not ASCII in endpoint or version.
 */
function readRequest(frame: Uint8Array, known?: (frameworkId: string) => boolean): internal.AttachRequest | undefined {
  const r = new WireReader(frame);
  const req = newRequest();
  let info: [number, number] | undefined;
  try {
    while (r.pos < frame.length) {
      const tag = r.varint();
      // Every field of AttachRequest is text or a message; protobuf-es refuses tags over 32 bits.
      if ((tag & 7) !== 2 || tag > 0xffffffff) return undefined;
      const number = Math.floor(tag / 8);
      if (number === ENDPOINT_FIELD) req.endpoint = r.ascii();
      else if (number === VERSION_FIELD) req.version = r.ascii();
      else {
        const end = r.end();
        const start = r.pos;
        r.pos = end;
        if (number === TASKS_FIELD) req.tasks.push(task(frame, r, start, end, false));
        else if (number === AGENT_INFO_FIELD) {
          if (info) return undefined;
          info = [start, end];
        } else if (number === CAPABILITIES_FIELD) req.capabilities.push(message(frame, r, [start, end], readCapability, AgentInfo_CapabilitySchema));
        else if (number === CHECKPOINTED_FIELD) req.checkpointedResources.push(message(frame, r, [start, end], readResource, ResourceSchema));
        else if (number === FRAMEWORKS_FIELD) {
          r.pos = start;
          const bytes = frame.subarray(start, end);
          // A framework left out is still one protobuf-es would decode the same way.
          if (!wireMatchesSchema(FrameworkInfoSchema, bytes)) return undefined;
          const id = known && frameworkId(r, end);
          if (id === undefined || !known!(id)) req.frameworks.push(fromBinary(FrameworkInfoSchema, bytes));
        } else {
          const list = OTHER_LISTS.get(number);
          if (!list) return undefined;
          (req[list.localName as keyof internal.AttachRequest] as unknown[]).push(alone(list.message!, frame.subarray(start, end)));
        }
        r.pos = end;
      }
    }
    if (info) req.agentInfo = message(frame, r, info, readAgentInfo, AgentInfoSchema);
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    return undefined;
  }
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

const newRequest = shellOf(internal.AttachRequestSchema);
