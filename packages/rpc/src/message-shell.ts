/**
 * Empty protobuf-es messages made fast, for code that builds many of one kind (hand decoders of
 * agents' frames, the master's own statuses): `create(schema)` walks the descriptor every time.
 */
import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";

/**
 * An empty message as `create(schema)` makes it (the same prototype holding the defaults, the same
 * own fields), without its walk over the descriptor.
 */
export function shellOf<Desc extends DescMessage>(schema: Desc): () => MessageShape<Desc> {
  const sample = create(schema) as unknown as Record<string, unknown>;
  const keys = Object.keys(sample).filter((k) => k !== "$typeName");
  // Own fields are empty lists (repeated fields) and unset oneofs ({ case: undefined }).
  const lists = keys.filter((k) => Array.isArray(sample[k]) && (sample[k] as unknown[]).length === 0);
  const oneofs = keys.filter((k) => isUnsetOneof(sample[k]));
  if (lists.length + oneofs.length !== keys.length) return () => create(schema);
  // A constructor whose prototype is the one create() uses: JSC makes its objects faster than Object.create.
  const isList = keys.map((k) => lists.includes(k));
  const Shell = function (this: Record<string, unknown>) {
    this.$typeName = schema.typeName;
    for (let i = 0; i < keys.length; i++) this[keys[i]!] = isList[i] ? [] : { case: undefined };
  } as unknown as new () => MessageShape<Desc>;
  Shell.prototype = Object.getPrototypeOf(sample);
  return () => new Shell();
}

function isUnsetOneof(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "case" && (value as { case: unknown }).case === undefined;
}
