/**
 * A deep copy of a protobuf-es message without its reflection API: `clone(ResourceSchema, r)` walks
 * the schema field by field (about 20 us a Resource on this machine), and the master copies every
 * resource of every offer it makes. A message is a plain object whose prototype holds proto2
 * defaults (which is how `isFieldSet` tells a set field from a default), so the copy keeps the
 * prototype and copies own properties: nested messages, oneof `{ case, value }` pairs and map
 * records recursively, arrays element by element, bytes as new arrays.
 */
export function copyMessage<T extends object>(message: T): T {
  return copyValue(message) as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(copyValue);
  if (value instanceof Uint8Array) return value.slice();
  const out = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = copyValue((value as Record<string, unknown>)[key]);
  return out;
}
