/**
 * Reading a message of known shape by hand, field by field (the master's plain scheduler calls,
 * the agent's acknowledgements and Registered). Each answers undefined for anything it does not
 * read exactly, and the caller then leaves the whole message to protobuf-es.
 */
import { readVarint } from "./protobuf-wire.ts";

/** A tag (field number * 8 + wire type: 0 varint, 1 fixed64, 2 length-delimited); one byte for fields 1-15. */
export const tag = (field: { number: number }, wireType: number) => field.number * 8 + wireType;

/** `value = 1` of the id messages (FrameworkID, AgentID, TaskID). */
const ID_VALUE = tag({ number: 1 }, 2);
const decoder = new TextDecoder();

/** The length-delimited field's bytes whose length is at `at`, or undefined past the end. */
export function delimited(bytes: Uint8Array, at: number): Uint8Array | undefined {
  const length = readVarint(bytes, at);
  if (!length || length[1] + length[0] > bytes.length) return undefined;
  return bytes.subarray(length[1], length[1] + length[0]);
}

/** Where the field after `field` (a subarray of `bytes`) starts. */
export const after = (bytes: Uint8Array, field: Uint8Array) => field.byteOffset - bytes.byteOffset + field.length;

/** The bytes as a string if they are ASCII (UTF-8 read the same way), or undefined. */
export function asciiText(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return undefined;
  return decoder.decode(bytes);
}

/** An id message that is just a non-empty ASCII `value`, or undefined. */
export function idValue(message: Uint8Array | undefined): string | undefined {
  if (!message || message[0] !== ID_VALUE) return undefined;
  const value = delimited(message, 1);
  if (!value || value.length === 0 || after(message, value) !== message.length) return undefined;
  return asciiText(value);
}
