/**
 * Just enough of the protobuf wire format to find or write a field without decoding the message:
 * the master relays bytes agents sent (a status, an agent_info) and writes a few hot frames by hand.
 * A plain loop over varints; protobuf-es's BinaryReader cost ten times more here.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** A varint at `at`: its value (up to 2^53) and where the next field starts; undefined past the end. */
export function readVarint(bytes: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 1; at < bytes.length; shift *= 128) {
    const b = bytes[at++]!;
    value += (b & 0x7f) * shift;
    if (b < 0x80) return [value, at];
    if (shift > 2 ** 42) return undefined;
  }
  return undefined;
}

/**
 * The bytes of length-delimited field `number` at the top of `bytes`; undefined if it is absent,
 * occurs more than once (protobuf merges the occurrences, so the decoded value is not these bytes),
 * or the message does not parse (the full decoder says why).
 */
export function singleField(bytes: Uint8Array, number: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    if (!tag) return undefined;
    at = tag[1];
    const wireType = tag[0] % 8;
    if (wireType === VARINT) {
      const skipped = readVarint(bytes, at);
      if (!skipped) return undefined;
      at = skipped[1];
    } else if (wireType === FIXED64) at += 8;
    else if (wireType === FIXED32) at += 4;
    else if (wireType === LENGTH_DELIMITED) {
      const length = readVarint(bytes, at);
      if (!length || length[1] + length[0] > bytes.length) return undefined;
      if (Math.floor(tag[0] / 8) === number) {
        if (found) return undefined;
        found = bytes.subarray(length[1], length[1] + length[0]);
      }
      at = length[1] + length[0];
    } else return undefined; // groups: not in the messages read this way
  }
  return at === bytes.length ? found : undefined;
}

/** How many bytes `n` (a non-negative integer up to 2^53) takes as a varint. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Writes `n` as a varint at `at`; returns where the next byte goes. */
export function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}
