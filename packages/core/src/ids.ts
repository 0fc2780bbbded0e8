/**
 * Identifier formats as Mesos prints them, so logs and tools look familiar:
 * framework `<master>-0000`, agent `<master>-S0`, offer `<master>-O0`.
 */
export function newUuid(): string {
  return crypto.randomUUID();
}

/** A random (version 4) UUID as its 16 bytes, the form Mesos uses for status-update and operation uuids on the wire. */
export function newUuidBytes(): Uint8Array {
  // Straight from random bytes: formatting a randomUUID() and parsing it back cost ~20x more (every status update makes one).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}

export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`Invalid UUID '${uuid}'`);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower case (every status update and acknowledgement converts one). */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`Invalid UUID: expected 16 bytes, got ${bytes.length}`);
  const h = (i: number) => HEX[bytes[i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/** Generates ids with a prefix and a counter, e.g. `<master>-S3`. */
export function createIdSequence(prefix: string, start = 0, pad = 0): () => string {
  let next = start;
  return () => `${prefix}${String(next++).padStart(pad, "0")}`;
}
