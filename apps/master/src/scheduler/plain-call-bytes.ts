/**
 * Reading the plain scheduler calls that are served by hand (acknowledge-shortcut.ts,
 * reconcile-shortcut.ts): length-delimited fields and id messages, by their bytes.
 */
import { readVarint } from "@mesos/rpc";

/** A tag (field number * 8 + wire type), one byte for the fields read here: 0 varint, 2 length-delimited. */
export const tag = (field: { number: number }, wireType: number) => field.number * 8 + wireType;
/** `value = 1` of FrameworkID, AgentID and TaskID. */
const ID_VALUE = tag({ number: 1 }, 2);

const decoder = new TextDecoder();

/** The length-delimited field's bytes whose length is at `at`, or undefined past the end. */
export function delimited(body: Uint8Array, at: number): Uint8Array | undefined {
  const length = readVarint(body, at);
  if (!length || length[1] + length[0] > body.length) return undefined;
  return body.subarray(length[1], length[1] + length[0]);
}

/** Where the field after `bytes` (a subarray of `body`) starts. */
export const after = (body: Uint8Array, bytes: Uint8Array) => bytes.byteOffset - body.byteOffset + bytes.length;

/** An id message (`value = 1` only) with a non-empty ASCII value, or undefined. */
export function idValue(message: Uint8Array | undefined): string | undefined {
  if (!message || message[0] !== ID_VALUE) return undefined;
  const value = delimited(message, 1);
  if (!value || value.length === 0 || after(message, value) !== message.length) return undefined;
  for (const byte of value) if (byte >= 0x80) return undefined;
  return decoder.decode(value);
}
