/**
 * An agent's AgentMessage decoded with its status update read by hand. Agents send about three
 * updates a task, and protobuf-es's reflective decoding (and its walk for required fields) was
 * most of what the master's link spent on them. An update with only the fields agents put in the
 * statuses they make (ids, state, message, source, reason, timestamp, uuid, termination labels, a
 * container id), all in ASCII, with every required field present, is read here into the message
 * protobuf-es would make; any other frame (another message, a field it does not take, an unknown
 * enum value, non-ASCII text, a message field given twice, a required field missing) is decoded
 * by protobuf-es. status-update-decoder.test.ts compares both on generated and mutated frames.
 */
import { fromBinary } from "@bufbuild/protobuf";
import {
  AgentIDSchema,
  ContainerIDSchema,
  ContainerStatusSchema,
  ExecutorIDSchema,
  FrameworkIDSchema,
  internal,
  LabelSchema,
  LabelsSchema,
  TaskIDSchema,
  TaskStatusSchema,
  type TaskStatus,
} from "@mesos/proto";
import { shellOf } from "@mesos/rpc";
import { NOT_PLAIN, WireReader } from "./wire-reader.ts";

/** How agents' messages were decoded (the tests check the hand path is taken). */
export const agentMessagesDecoded = { byHand: 0, byProtobufEs: 0 };

/**
 * The message in `frame`; `requiredChecked` when every required field is known to be present
 * (read by hand), else the caller checks (protobuf-es does not).
 */
export function decodeAgentMessage(frame: Uint8Array): { message: internal.AgentMessage; requiredChecked: boolean } {
  try {
    const message = readAgentMessage(new WireReader(frame), frame.length);
    agentMessagesDecoded.byHand++;
    return { message, requiredChecked: true };
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
  }
  agentMessagesDecoded.byProtobufEs++;
  return { message: fromBinary(internal.AgentMessageSchema, frame), requiredChecked: false };
}

const tag = (number: number, wireType: number) => number * 8 + wireType;
const LENGTH_DELIMITED = 2;
const VARINT = 0;
const FIXED64 = 1;

const enumValues = (field: keyof typeof TaskStatusSchema.field) => new Set(TaskStatusSchema.field[field]!.enum!.values.map((v) => v.number));
const TASK_STATES = enumValues("state");
const SOURCES = enumValues("source");
const REASONS = enumValues("reason");

function readAgentMessage(r: WireReader, end: number): internal.AgentMessage {
  const msg = newAgentMessage();
  let connectionId = false;
  while (r.pos < end) {
    switch (r.varint()) {
      case tag(1, LENGTH_DELIMITED):
        if (msg.agentId) throw NOT_PLAIN;
        msg.agentId = required(r.id(newAgentId()));
        break;
      case tag(2, LENGTH_DELIMITED):
        msg.connectionId = r.ascii();
        connectionId = true;
        break;
      case tag(4, LENGTH_DELIMITED):
        if (msg.message.case !== undefined) throw NOT_PLAIN;
        msg.message = { case: "statusUpdate", value: readStatusUpdate(r, r.end()) };
        break;
      default:
        throw NOT_PLAIN;
    }
  }
  if (!msg.agentId || !connectionId || msg.message.case !== "statusUpdate") throw NOT_PLAIN;
  return r.at(end, msg);
}

function readStatusUpdate(r: WireReader, end: number): internal.StatusUpdate {
  const update = newStatusUpdate();
  while (r.pos < end) {
    switch (r.varint()) {
      case tag(1, LENGTH_DELIMITED):
        if (update.frameworkId) throw NOT_PLAIN;
        update.frameworkId = required(r.id(newFrameworkId()));
        break;
      case tag(2, LENGTH_DELIMITED):
        if (update.status) throw NOT_PLAIN;
        update.status = readStatus(r, r.end());
        break;
      case tag(3, VARINT):
        update.latestState = r.enumValue(TASK_STATES);
        break;
      default:
        throw NOT_PLAIN;
    }
  }
  if (!update.frameworkId || !update.status) throw NOT_PLAIN;
  return r.at(end, update);
}

function readStatus(r: WireReader, end: number): TaskStatus {
  const status = newTaskStatus();
  let state = false;
  while (r.pos < end) {
    switch (r.varint()) {
      case tag(1, LENGTH_DELIMITED):
        if (status.taskId) throw NOT_PLAIN;
        status.taskId = required(r.id(newTaskId()));
        break;
      case tag(2, VARINT):
        status.state = r.enumValue(TASK_STATES);
        state = true;
        break;
      case tag(4, LENGTH_DELIMITED):
        status.message = r.ascii();
        break;
      case tag(5, LENGTH_DELIMITED):
        if (status.agentId) throw NOT_PLAIN;
        status.agentId = required(r.id(newAgentId()));
        break;
      case tag(6, FIXED64):
        status.timestamp = r.double();
        break;
      case tag(7, LENGTH_DELIMITED):
        if (status.executorId) throw NOT_PLAIN;
        status.executorId = required(r.id(newExecutorId()));
        break;
      case tag(9, VARINT):
        status.source = r.enumValue(SOURCES);
        break;
      case tag(10, VARINT):
        status.reason = r.enumValue(REASONS);
        break;
      case tag(11, LENGTH_DELIMITED):
        status.uuid = r.bytes();
        break;
      case tag(12, LENGTH_DELIMITED):
        if (status.labels) throw NOT_PLAIN;
        status.labels = readLabels(r, r.end());
        break;
      case tag(13, LENGTH_DELIMITED):
        if (status.containerStatus) throw NOT_PLAIN;
        status.containerStatus = readContainerStatus(r, r.end());
        break;
      default:
        throw NOT_PLAIN;
    }
  }
  if (!status.taskId || !state) throw NOT_PLAIN;
  return r.at(end, status);
}

function readLabels(r: WireReader, end: number): TaskStatus["labels"] & object {
  const labels = newLabels();
  while (r.pos < end) {
    if (r.varint() !== tag(1, LENGTH_DELIMITED)) throw NOT_PLAIN;
    const labelEnd = r.end();
    const label = newLabel();
    let key = false;
    while (r.pos < labelEnd) {
      const t = r.varint();
      if (t === tag(1, LENGTH_DELIMITED)) {
        label.key = r.ascii();
        key = true;
      } else if (t === tag(2, LENGTH_DELIMITED)) label.value = r.ascii();
      else throw NOT_PLAIN;
    }
    if (!key) throw NOT_PLAIN;
    labels.labels.push(r.at(labelEnd, label));
  }
  return r.at(end, labels);
}

function readContainerStatus(r: WireReader, end: number): TaskStatus["containerStatus"] & object {
  const container = newContainerStatus();
  while (r.pos < end) {
    if (r.varint() !== tag(4, LENGTH_DELIMITED) || container.containerId) throw NOT_PLAIN;
    container.containerId = readContainerId(r, r.end(), 0);
  }
  return r.at(end, container);
}

type ContainerId = NonNullable<(TaskStatus["containerStatus"] & object)["containerId"]>;

/** A container id and its parents (a nested container's), at most a few deep. */
function readContainerId(r: WireReader, end: number, depth: number): ContainerId {
  if (depth > 8) throw NOT_PLAIN;
  const id = newContainerId();
  let value = false;
  while (r.pos < end) {
    const t = r.varint();
    if (t === tag(1, LENGTH_DELIMITED)) {
      id.value = r.ascii();
      value = true;
    } else if (t === tag(2, LENGTH_DELIMITED) && !id.parent) id.parent = readContainerId(r, r.end(), depth + 1);
    else throw NOT_PLAIN;
  }
  if (!value) throw NOT_PLAIN;
  return r.at(end, id);
}

/** An id whose required `value` came (protobuf-es leaves the check to the caller; here it sends the frame to protobuf-es). */
function required<T extends { value: string }>(id: T): T {
  if (!Object.hasOwn(id, "value")) throw NOT_PLAIN;
  return id;
}

const newAgentMessage = shellOf(internal.AgentMessageSchema);
const newStatusUpdate = shellOf(internal.StatusUpdateSchema);
const newTaskStatus = shellOf(TaskStatusSchema);
const newTaskId = shellOf(TaskIDSchema);
const newFrameworkId = shellOf(FrameworkIDSchema);
const newAgentId = shellOf(AgentIDSchema);
const newExecutorId = shellOf(ExecutorIDSchema);
const newLabels = shellOf(LabelsSchema);
const newLabel = shellOf(LabelSchema);
const newContainerStatus = shellOf(ContainerStatusSchema);
const newContainerId = shellOf(ContainerIDSchema);
