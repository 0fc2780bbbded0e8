/**
 * Reading a master's frame by hand (master-message-decoder.ts, registered-decoder.ts): the fields
 * of a message whose shape is known. Each answers undefined for anything it does not read
 * exactly, and the caller then leaves the whole frame to protobuf-es.
 */
import { readVarint } from "@mesos/rpc";

// Tags (field number * 8 + wire type): each of these is one byte.
export const lengthDelimitedTag = (field: { number: number }) => field.number * 8 + 2;
export const fixed64Tag = (field: { number: number }) => field.number * 8 + 1;

/** `value = 1` of the id messages (AgentID, FrameworkID, TaskID). */
const ID_VALUE = lengthDelimitedTag({ number: 1 });
const decoder = new TextDecoder();

/** The length-delimited field whose length is at `at`, or undefined past the end. */
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
