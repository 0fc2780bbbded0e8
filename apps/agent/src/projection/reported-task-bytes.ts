/**
 * A task as the agent reports it to the master (AttachRequest.tasks) when it has no unacknowledged
 * updates, written byte by byte: after a failover every agent reports every task at once, and
 * protobuf-es's reflective `toBinary` of a Task cost about 14 µs (a third of a hollow agent's
 * re-registration CPU). The bytes are protobuf-es's own: fields in number order, each written when
 * set (reported-task-bytes.test.ts compares them). The ids, plain scalar resources (name, type,
 * value, allocation role: what a launch leaves) and strings are written here; any other resource,
 * and the labels, discovery and container, are protobuf-es's encoding of that part.
 */
import { toBinary } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import {
  ContainerInfoSchema,
  DiscoveryInfoSchema,
  LabelsSchema,
  type Resource,
  Resource_AllocationInfoSchema,
  ResourceSchema,
  type TaskInfo,
  type TaskState,
  TaskSchema,
  Value_ScalarSchema,
  Value_Type,
} from "@mesos/proto";
import { varintSize, writeVarint } from "@mesos/rpc";

const tag = (number: number, type: WireType) => number * 8 + type;
const T = TaskSchema.field;
const NAME = tag(T.name!.number, WireType.LengthDelimited);
const TASK_ID = tag(T.taskId!.number, WireType.LengthDelimited);
const FRAMEWORK_ID = tag(T.frameworkId!.number, WireType.LengthDelimited);
const EXECUTOR_ID = tag(T.executorId!.number, WireType.LengthDelimited);
const AGENT_ID = tag(T.agentId!.number, WireType.LengthDelimited);
const STATE = tag(T.state!.number, WireType.Varint);
const RESOURCES = tag(T.resources!.number, WireType.LengthDelimited);
const LABELS = tag(T.labels!.number, WireType.LengthDelimited);
const DISCOVERY = tag(T.discovery!.number, WireType.LengthDelimited);
const CONTAINER = tag(T.container!.number, WireType.LengthDelimited);
const USER = tag(T.user!.number, WireType.LengthDelimited);
// TaskID, FrameworkID, ExecutorID, AgentID: `value` is field 1.
const ID_VALUE = tag(1, WireType.LengthDelimited);
const R = ResourceSchema.field;
const RESOURCE_NAME = tag(R.name!.number, WireType.LengthDelimited);
const RESOURCE_TYPE = tag(R.type!.number, WireType.Varint);
const RESOURCE_SCALAR = tag(R.scalar!.number, WireType.LengthDelimited);
const RESOURCE_ALLOCATION = tag(R.allocationInfo!.number, WireType.LengthDelimited);
const SCALAR_VALUE = tag(Value_ScalarSchema.field.value!.number, WireType.Bit64);
const ALLOCATION_ROLE = tag(Resource_AllocationInfoSchema.field.role!.number, WireType.LengthDelimited);

/** Set as protobuf-es sees it for a proto2 field: an own property that is not undefined. */
const has = (message: object, key: string) => (message as Record<string, unknown>)[key] !== undefined && Object.hasOwn(message, key);

const encoder = new TextEncoder();
const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** What the report says of a task beside its TaskInfo (report.ts decides them). */
export interface ReportedTaskFields {
  frameworkId: string;
  /** A task group's executor; a command task (none, or "") reports none. */
  executorId?: string;
  /** The agent's id as AgentInfo holds it. */
  agentId?: { value: string };
  state: TaskState;
  user?: string;
}

/**
 * The Task's bytes, as protobuf-es writes report.ts's reportedTask with these fields; undefined
 * when a required id or value is missing (protobuf-es refuses those: the caller lets it say so).
 */
export function encodeReportedTask(info: TaskInfo, fields: ReportedTaskFields): Uint8Array | undefined {
  const taskId = info.taskId;
  const agentId = fields.agentId;
  if (!taskId || !has(taskId, "value") || !agentId || !has(agentId, "value") || fields.state < 0) return undefined;
  // Each resource: its own bytes if plain (written below), else protobuf-es's.
  const resources = info.resources.map((r) => (isPlainScalar(r) ? r : toBinary(ResourceSchema, r)));
  const labels = info.labels && toBinary(LabelsSchema, info.labels);
  const discovery = info.discovery && toBinary(DiscoveryInfoSchema, info.discovery);
  const container = info.container && toBinary(ContainerInfoSchema, info.container);
  const executorId = fields.executorId || undefined;

  let size = stringSize(NAME, info.name) + idSize(TASK_ID, taskId.value) + idSize(FRAMEWORK_ID, fields.frameworkId);
  if (executorId !== undefined) size += idSize(EXECUTOR_ID, executorId);
  size += idSize(AGENT_ID, agentId.value) + varintSize(STATE) + varintSize(fields.state);
  for (const r of resources) size += fieldSize(RESOURCES, r instanceof Uint8Array ? r.length : plainScalarSize(r));
  if (labels) size += fieldSize(LABELS, labels.length);
  if (discovery) size += fieldSize(DISCOVERY, discovery.length);
  if (container) size += fieldSize(CONTAINER, container.length);
  if (fields.user !== undefined) size += stringSize(USER, fields.user);

  const out = new Out(size);
  out.string(NAME, info.name);
  out.id(TASK_ID, taskId.value);
  out.id(FRAMEWORK_ID, fields.frameworkId);
  if (executorId !== undefined) out.id(EXECUTOR_ID, executorId);
  out.id(AGENT_ID, agentId.value);
  out.varint(STATE).varint(fields.state);
  for (const r of resources) {
    if (r instanceof Uint8Array) out.bytesField(RESOURCES, r);
    else writePlainScalar(out, r);
  }
  if (labels) out.bytesField(LABELS, labels);
  if (discovery) out.bytesField(DISCOVERY, discovery);
  if (container) out.bytesField(CONTAINER, container);
  if (fields.user !== undefined) out.string(USER, fields.user);
  if (out.at !== size) throw new Error(`A reported task took ${out.at} bytes, not the ${size} counted`);
  return out.bytes;
}

/** A resource with only a name, the SCALAR type, a value and an allocation role (what a launch leaves). */
function isPlainScalar(r: Resource): boolean {
  if (!has(r, "name") || !has(r, "type") || r.type !== Value_Type.SCALAR || !has(r, "scalar") || r.reservations.length > 0) return false;
  // Message fields are undefined unless set; `role` has a default ("*") and is set only as an own property.
  const { providerId, ranges, set, disk, reservation, revocable, shared, $unknown } = r;
  if (providerId || ranges || set || disk || reservation || revocable || shared || $unknown || has(r, "role")) return false;
  const scalar = r.scalar!;
  if (!has(scalar, "value") || has(scalar, "$unknown")) return false;
  return !has(r, "allocationInfo") || !has(r.allocationInfo!, "$unknown");
}

/** Value.Scalar with its value: the tag and a double. */
const SCALAR_SIZE = varintSize(SCALAR_VALUE) + 8;
const allocationSize = (r: Resource) => (has(r.allocationInfo!, "role") ? stringSize(ALLOCATION_ROLE, r.allocationInfo!.role) : 0);

function plainScalarSize(r: Resource): number {
  let size = stringSize(RESOURCE_NAME, r.name) + varintSize(RESOURCE_TYPE) + varintSize(r.type) + fieldSize(RESOURCE_SCALAR, SCALAR_SIZE);
  if (has(r, "allocationInfo")) size += fieldSize(RESOURCE_ALLOCATION, allocationSize(r));
  return size;
}

function writePlainScalar(out: Out, r: Resource): void {
  out.varint(RESOURCES).varint(plainScalarSize(r));
  out.string(RESOURCE_NAME, r.name);
  out.varint(RESOURCE_TYPE).varint(r.type);
  out.varint(RESOURCE_SCALAR).varint(SCALAR_SIZE).varint(SCALAR_VALUE).double(r.scalar!.value);
  if (has(r, "allocationInfo")) {
    out.varint(RESOURCE_ALLOCATION).varint(allocationSize(r));
    if (has(r.allocationInfo!, "role")) out.string(ALLOCATION_ROLE, r.allocationInfo!.role);
  }
}

/** A string's UTF-8 length: its length when it is ASCII (ids and names mostly are). */
function utf8Length(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return encoder.encode(text).length;
  return text.length;
}

const fieldSize = (tag: number, length: number) => varintSize(tag) + varintSize(length) + length;
const stringSize = (tag: number, text: string) => fieldSize(tag, utf8Length(text));
/** An id message ({ value }) as a field. */
const idSize = (tag: number, value: string) => fieldSize(tag, stringSize(ID_VALUE, value));

class Out {
  readonly bytes: Uint8Array;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
  varint(n: number): this {
    this.at = writeVarint(this.bytes, this.at, n);
    return this;
  }
  string(tag: number, text: string): this {
    const length = utf8Length(text);
    this.varint(tag).varint(length);
    if (length === text.length) {
      for (let i = 0; i < length; i++) this.bytes[this.at + i] = text.charCodeAt(i);
    } else {
      encoder.encodeInto(text, this.bytes.subarray(this.at, this.at + length));
    }
    this.at += length;
    return this;
  }
  id(tag: number, value: string): this {
    return this.varint(tag).varint(stringSize(ID_VALUE, value)).string(ID_VALUE, value);
  }
  bytesField(tag: number, bytes: Uint8Array): this {
    this.varint(tag).varint(bytes.length);
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }
  /** A double's 8 bytes, little-endian (protobuf's fixed64 order). */
  double(value: number): this {
    float[0] = value;
    for (let i = 0; i < 8; i++) this.bytes[this.at++] = floatBytes[littleEndian ? i : 7 - i]!;
    return this;
  }
}
