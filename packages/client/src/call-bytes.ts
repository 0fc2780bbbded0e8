/**
 * What the hand-written scheduler Calls (acknowledge-call.ts, reconcile-call.ts) share: the Call's
 * own field tags and the writing of length-delimited fields and `{ value }` ids.
 */
import { WireType } from "@bufbuild/protobuf/wire";
import { AgentIDSchema, FrameworkIDSchema, scheduler, TaskIDSchema } from "@mesos/proto";
import { varintSize, writeVarint } from "@mesos/rpc";

export const lengthDelimited = (field: number) => (field << 3) | WireType.LengthDelimited;
export const CALL = scheduler.CallSchema.field;
export const FRAMEWORK_ID = lengthDelimited(CALL.frameworkId!.number);
export const TYPE = (CALL.type!.number << 3) | WireType.Varint;
export const FRAMEWORK_ID_VALUE = lengthDelimited(FrameworkIDSchema.field.value!.number);
export const AGENT_ID_VALUE = lengthDelimited(AgentIDSchema.field.value!.number);
export const TASK_ID_VALUE = lengthDelimited(TaskIDSchema.field.value!.number);

export const encoder = new TextEncoder();

/** Size of a length-delimited field holding `length` bytes. */
export const fieldSize = (tag: number, length: number) => varintSize(tag) + varintSize(length) + length;
export const writeHead = (out: Uint8Array, at: number, tag: number, length: number) => writeVarint(out, writeVarint(out, at, tag), length);

/** `{ value }` (FrameworkID, AgentID, TaskID) as field `tag` of its parent. */
export function writeId(out: Uint8Array, at: number, tag: number, valueTag: number, value: Uint8Array): number {
  at = writeHead(out, at, tag, fieldSize(valueTag, value.length));
  at = writeHead(out, at, valueTag, value.length);
  out.set(value, at);
  return at + value.length;
}
