/**
 * A TaskStatus the agent generated, encoded byte by byte: the agent encodes three a task (each is
 * checkpointed and sent as these bytes), and protobuf-es's reflective `toBinary` cost about 3 µs
 * each beside well under one for these few fields. The bytes are protobuf-es's own: fields in
 * number order, each written when set (task-status-bytes.test.ts compares them). A status with any
 * other field set (a custom executor's: data, health, checks, a limitation...) returns undefined:
 * protobuf-es encodes it.
 */
import { WireType } from "@bufbuild/protobuf/wire";
import {
  type ContainerID,
  ContainerIDSchema,
  ContainerStatusSchema,
  LabelSchema,
  LabelsSchema,
  type TaskStatus,
  TaskStatusSchema,
} from "@mesos/proto";

const field = (number: number, type: WireType) => (number << 3) | type;
const bytesField = (number: number) => field(number, WireType.LengthDelimited);
const S = TaskStatusSchema.field;
const TASK_ID = bytesField(S.taskId!.number);
const STATE = field(S.state!.number, WireType.Varint);
const MESSAGE = bytesField(S.message!.number);
const AGENT_ID = bytesField(S.agentId!.number);
const TIMESTAMP = field(S.timestamp!.number, WireType.Bit64);
const EXECUTOR_ID = bytesField(S.executorId!.number);
const SOURCE = field(S.source!.number, WireType.Varint);
const REASON = field(S.reason!.number, WireType.Varint);
const UUID = bytesField(S.uuid!.number);
const LABELS = bytesField(S.labels!.number);
const CONTAINER_STATUS = bytesField(S.containerStatus!.number);
// TaskID, AgentID and ExecutorID: `value` is field 1, as ContainerID's.
const ID_VALUE = bytesField(ContainerIDSchema.field.value!.number);
const CONTAINER_PARENT = bytesField(ContainerIDSchema.field.parent!.number);
const CONTAINER_ID = bytesField(ContainerStatusSchema.field.containerId!.number);
const LABEL = bytesField(LabelsSchema.field.labels!.number);
const LABEL_KEY = bytesField(LabelSchema.field.key!.number);
const LABEL_VALUE = bytesField(LabelSchema.field.value!.number);

/** TaskStatus's fields this does not write: with any of them set, protobuf-es encodes the status. */
const NOT_WRITTEN = ["data", "healthy", "checkStatus", "unreachableTime", "limitation", "$unknown"] as const;
const CONTAINER_NOT_WRITTEN = ["cgroupInfo", "executorPid", "$unknown"] as const;

/** Set as protobuf-es sees it for a proto2 field: an own property that is not undefined. */
const has = (message: object, key: string) => (message as Record<string, unknown>)[key] !== undefined && Object.hasOwn(message, key);

const encoder = new TextEncoder();

// Varints of tags, lengths and enums: all below 2^31, so bit operations do (@mesos/rpc's take up to 2^53, in floating point).
const varintSize = (n: number) => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);
function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n > 0x7f) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

/**
 * Strings as UTF-8, kept: a task's ids come back in each of its three statuses and the agent's id
 * in all of them (JSC keeps a string's hash, so finding one costs less than encoding it again).
 */
const encoded = new Map<string, Uint8Array>();
const MAX_KEPT_STRINGS = 4096;
const MAX_KEPT_LENGTH = 128;
function utf8(text: string): Uint8Array {
  let bytes = encoded.get(text);
  if (bytes === undefined) {
    bytes = encoder.encode(text);
    if (text.length > MAX_KEPT_LENGTH) return bytes;
    if (encoded.size >= MAX_KEPT_STRINGS) encoded.clear();
    encoded.set(text, bytes);
  }
  return bytes;
}

const fieldSize = (tag: number, length: number) => varintSize(tag) + varintSize(length) + length;
const stringSize = (tag: number, text: string) => fieldSize(tag, utf8(text).length);
/** An id message (`{ value }`) as its bytes' size. */
const idSize = (id: { value: string }) => (has(id, "value") ? stringSize(ID_VALUE, id.value) : 0);

function containerIdSize(id: ContainerID): number {
  return idSize(id) + (has(id, "parent") ? fieldSize(CONTAINER_PARENT, containerIdSize(id.parent!)) : 0);
}

function encodable(status: TaskStatus): boolean {
  for (const key of NOT_WRITTEN) if (has(status, key)) return false;
  // Enums below 0 take ten bytes as protobuf writes them; the agent's never are.
  if (status.state < 0 || status.source < 0 || status.reason < 0) return false;
  const container = status.containerStatus;
  if (container === undefined || !has(status, "containerStatus")) return true;
  for (const key of CONTAINER_NOT_WRITTEN) if (has(container, key)) return false;
  return container.networkInfos.length === 0;
}

/** A double's 8 bytes, little-endian (protobuf's fixed64 order). */
const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

class Out {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}
  varint(n: number): this {
    this.at = writeVarint(this.bytes, this.at, n);
    return this;
  }
  head(tag: number, length: number): this {
    return this.varint(tag).varint(length);
  }
  string(tag: number, text: string): this {
    return this.bytesField(tag, utf8(text));
  }
  bytesField(tag: number, bytes: Uint8Array): this {
    this.head(tag, bytes.length);
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }
  id(tag: number, id: { value: string }): this {
    this.head(tag, idSize(id));
    if (has(id, "value")) this.string(ID_VALUE, id.value);
    return this;
  }
}

function writeContainerId(out: Out, tag: number, id: ContainerID): void {
  out.head(tag, containerIdSize(id));
  if (has(id, "value")) out.string(ID_VALUE, id.value);
  if (has(id, "parent")) writeContainerId(out, CONTAINER_PARENT, id.parent!);
}

/** The status's bytes as protobuf-es writes them, or undefined if it has fields this does not write. */
export function encodeTaskStatus(status: TaskStatus): Uint8Array | undefined {
  if (!encodable(status)) return undefined;
  const message = has(status, "message") ? utf8(status.message) : undefined;
  const labels = has(status, "labels") ? status.labels! : undefined;
  const container = has(status, "containerStatus") ? status.containerStatus! : undefined;
  const containerId = container && has(container, "containerId") ? container.containerId! : undefined;
  const labelSizes = labels?.labels.map(
    (l) => (has(l, "key") ? stringSize(LABEL_KEY, l.key) : 0) + (has(l, "value") ? stringSize(LABEL_VALUE, l.value) : 0),
  );
  const labelsSize = labelSizes?.reduce((sum, n) => sum + fieldSize(LABEL, n), 0) ?? 0;
  const containerSize = containerId ? fieldSize(CONTAINER_ID, containerIdSize(containerId)) : 0;

  let size = 0;
  if (has(status, "taskId")) size += fieldSize(TASK_ID, idSize(status.taskId!));
  if (has(status, "state")) size += varintSize(STATE) + varintSize(status.state);
  if (message) size += fieldSize(MESSAGE, message.length);
  if (has(status, "agentId")) size += fieldSize(AGENT_ID, idSize(status.agentId!));
  if (has(status, "timestamp")) size += varintSize(TIMESTAMP) + 8;
  if (has(status, "executorId")) size += fieldSize(EXECUTOR_ID, idSize(status.executorId!));
  if (has(status, "source")) size += varintSize(SOURCE) + varintSize(status.source);
  if (has(status, "reason")) size += varintSize(REASON) + varintSize(status.reason);
  if (has(status, "uuid")) size += fieldSize(UUID, status.uuid.length);
  if (labels) size += fieldSize(LABELS, labelsSize);
  if (container) size += fieldSize(CONTAINER_STATUS, containerSize);

  const out = new Out(new Uint8Array(size));
  if (has(status, "taskId")) out.id(TASK_ID, status.taskId!);
  if (has(status, "state")) out.varint(STATE).varint(status.state);
  if (message) out.bytesField(MESSAGE, message);
  if (has(status, "agentId")) out.id(AGENT_ID, status.agentId!);
  if (has(status, "timestamp")) {
    out.varint(TIMESTAMP);
    float[0] = status.timestamp;
    for (let i = 0; i < 8; i++) out.bytes[out.at++] = floatBytes[littleEndian ? i : 7 - i]!;
  }
  if (has(status, "executorId")) out.id(EXECUTOR_ID, status.executorId!);
  if (has(status, "source")) out.varint(SOURCE).varint(status.source);
  if (has(status, "reason")) out.varint(REASON).varint(status.reason);
  if (has(status, "uuid")) out.bytesField(UUID, status.uuid);
  if (labels) {
    out.head(LABELS, labelsSize);
    labels.labels.forEach((l, i) => {
      out.head(LABEL, labelSizes![i]!);
      if (has(l, "key")) out.string(LABEL_KEY, l.key);
      if (has(l, "value")) out.string(LABEL_VALUE, l.value);
    });
  }
  if (container) {
    out.head(CONTAINER_STATUS, containerSize);
    if (containerId) writeContainerId(out, CONTAINER_ID, containerId);
  }
  return out.bytes;
}
