/**
 * fast-check generators of protobuf messages for fuzzing the call decoders: any message type,
 * valid-shaped (a `Call` gets a `type` and the field that type names, required fields are set)
 * and then possibly mutated on the wire (truncated, flipped, spliced bytes; broken, retyped or
 * deeply nested JSON; the byte-level damage is `@mesos/core/fuzz`'s, shared with the hand decoders' tests).
 */
import { create, type DescEnum, type DescField, type DescMessage, type Message, ScalarType, toBinary, toJson } from "@bufbuild/protobuf";
import { toMesosJson } from "@mesos/core";
import { mutateBytes } from "@mesos/core/fuzz";
import fc from "fast-check";

// google.protobuf.FeatureSet.FieldPresence.LEGACY_REQUIRED: a proto2 `required` field.
const LEGACY_REQUIRED = 3;

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom("", "*", "a", "a/b", "cpus", "mem", "ports", "disk", "..", "/", "-x", "x/", "é") },
  { weight: 1, arbitrary: fc.constant("x".repeat(300)) },
);

function scalarArb(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING:
      return text;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 16 });
    case ScalarType.DOUBLE:
      return fc.oneof(fc.double(), fc.constantFrom(0, 0.5, 1, 4, 1024, 5e-324, -1));
    case ScalarType.FLOAT:
      return fc.float();
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return fc.integer();
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 70000n }));
    default:
      return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -5n, max: 70000n }));
  }
}

function enumArb(e: DescEnum): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...e.values.map((v) => v.number)) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: 200 }) },
  );
}

function mapKeyArb(type: ScalarType): fc.Arbitrary<string> {
  if (type === ScalarType.STRING) return fc.string({ maxLength: 6 });
  if (type === ScalarType.BOOL) return fc.constantFrom("true", "false");
  return fc.integer({ min: 0, max: 1000 }).map(String);
}

const memo = new Map<string, fc.Arbitrary<Message>>();

/** Messages of `schema` nested at most `depth` levels, a few optional fields each. */
export function messageArbitrary(schema: DescMessage, depth = 3): fc.Arbitrary<Message> {
  const key = `${schema.typeName}/${depth}`;
  let arb = memo.get(key);
  if (!arb) {
    // Depth falls by one per level and required fields never nest a type in itself, so this ends.
    arb = buildMessage(schema, depth, []);
    memo.set(key, arb);
  }
  return arb;
}

function valueArb(field: DescField, depth: number): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case "scalar":
      return scalarArb(field.scalar);
    case "enum":
      return enumArb(field.enum);
    case "message":
      return messageArbitrary(field.message, Math.max(0, depth - 1));
    case "list": {
      const item =
        field.listKind === "scalar"
          ? scalarArb(field.scalar)
          : field.listKind === "enum"
            ? enumArb(field.enum)
            : messageArbitrary(field.message, Math.max(0, depth - 1));
      return fc.array(item, { maxLength: 3 });
    }
    case "map": {
      const value =
        field.mapKind === "scalar"
          ? scalarArb(field.scalar)
          : field.mapKind === "enum"
            ? enumArb(field.enum)
            : messageArbitrary(field.message, Math.max(0, depth - 1));
      return fc.dictionary(mapKeyArb(field.mapKey), value, { maxKeys: 2 });
    }
  }
}

function nests(field: DescField): boolean {
  return (
    field.fieldKind === "message" ||
    (field.fieldKind === "list" && field.listKind === "message") ||
    (field.fieldKind === "map" && field.mapKind === "message")
  );
}

function buildMessage(schema: DescMessage, depth: number, forced: readonly DescField[]): fc.Arbitrary<Message> {
  const required = schema.fields.filter((f) => f.presence === LEGACY_REQUIRED);
  const optional = schema.fields.filter((f) => f.presence !== LEGACY_REQUIRED && !forced.includes(f) && (depth > 0 || !nests(f)));
  return fc.subarray(optional, { maxLength: Math.min(3, optional.length) }).chain((chosen) => {
    const fields = [...required, ...forced, ...chosen];
    return fc.tuple(...fields.map((f) => valueArb(f, depth))).map((values) => {
      const init: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        if (f.oneof) init[f.oneof.localName] = { case: f.localName, value: values[i] };
        else init[f.localName] = values[i];
      });
      return create(schema, init as never) as Message;
    });
  });
}

/**
 * Valid-shaped calls: `type` is one of the enum's values and the field it names (ACCEPT ->
 * `accept`) is set. `types` restricts the types generated.
 */
export function callArbitrary(schema: DescMessage, types?: (name: string) => boolean): fc.Arbitrary<Message> {
  const typeField = schema.fields.find((f) => f.name === "type" && f.fieldKind === "enum");
  if (typeField?.fieldKind !== "enum") return messageArbitrary(schema);
  const values = typeField.enum.values.filter((v) => !types || types(v.name));
  return fc.constantFrom(...values).chain((v) => {
    const payload = schema.fields.find((f) => f.name === v.name.toLowerCase());
    return buildMessage(schema, 3, payload ? [payload] : []).map((m) => {
      (m as unknown as Record<string, unknown>)[typeField.localName] = v.number;
      return m;
    });
  });
}

/** Text-level damage to JSON: none, truncation, a broken character, a value retyped, deep nesting. */
export function mutateJson(json: string): fc.Arbitrary<string> {
  const at = fc.nat(json.length);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(json) },
    at.map((n) => json.slice(0, n)),
    fc
      .tuple(at, fc.constantFrom("{", "}", "[", "]", '"', ":", ",", "0", "-", "\\", "null", "true", "1e999"))
      .map(([i, c]) => json.slice(0, i) + c + json.slice(i + 1)),
    fc
      .constantFrom('"x"', "1", "-1", "1.5", "[]", "{}", "null", "true", "18446744073709551616")
      .map((v) => json.replace(/:("[^"]*"|-?\d+(\.\d+)?|true|false)/, `:${v}`)),
    fc.integer({ min: 150, max: 260 }).map((depth) => json.replace(/^\{/, `{"deep":${"[".repeat(depth)}${"]".repeat(depth)},`)),
  );
}

export interface EncodedCall {
  format: "json" | "protobuf";
  body: Uint8Array;
}

/** A call encoded for the Mesos v1 HTTP API (proto field names) or Connect (JSON names), maybe damaged. */
export function encodedCallArbitrary(
  schema: DescMessage,
  transport: "v1" | "connect",
  options: { types?: (name: string) => boolean; prepare?: (message: Message) => void } = {},
): fc.Arbitrary<EncodedCall> {
  const encoder = new TextEncoder();
  return fc.tuple(callArbitrary(schema, options.types), fc.boolean()).chain(([message, binary]) => {
    options.prepare?.(message);
    if (binary) return mutateBytes(toBinary(schema, message)).map((body): EncodedCall => ({ format: "protobuf", body }));
    const json = JSON.stringify(transport === "v1" ? toMesosJson(schema, message as never) : toJson(schema, message));
    return mutateJson(json).map((t): EncodedCall => ({ format: "json", body: encoder.encode(t) }));
  });
}
