/**
 * Identifier formats as Mesos prints them, so logs and tools look familiar:
 * framework `<master>-0000`, agent `<master>-S0`, offer `<master>-O0`.
 */
export function newUuid(): string {
  return crypto.randomUUID();
}

/** 16 random bytes, the form Mesos uses for status-update and operation uuids on the wire. */
export function newUuidBytes(): Uint8Array {
  return uuidToBytes(crypto.randomUUID());
}

export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`Invalid UUID '${uuid}'`);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`Invalid UUID: expected 16 bytes, got ${bytes.length}`);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Generates ids with a prefix and a counter, e.g. `<master>-S3`. */
export function createIdSequence(prefix: string, start = 0, pad = 0): () => string {
  let next = start;
  return () => `${prefix}${String(next++).padStart(pad, "0")}`;
}
