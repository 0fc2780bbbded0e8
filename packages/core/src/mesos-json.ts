/**
 * Mesos's JSON mapping of protobuf messages: proto field names (snake_case), enums by name, bytes
 * in base64 — which is protobuf-es's mapping with `useProtoFieldName` — except that 64-bit
 * integers are JSON numbers, as Mesos's jsonify writes them (protobuf-es writes strings).
 * Reading accepts both forms.
 */
import { type DescField, type DescMessage, fromJson, type JsonValue, type MessageShape, ScalarType, toJson } from "@bufbuild/protobuf";

const INT64_TYPES = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

/** The message's fields that hold 64-bit integers, directly or in their messages (most hold none). */
const fieldsWith64 = new Map<DescMessage, readonly DescField[]>();

function holds64(field: DescField, visiting: Set<DescMessage>): boolean {
  switch (field.fieldKind) {
    case "scalar":
      return INT64_TYPES.has(field.scalar);
    case "list":
      if (field.listKind === "scalar") return INT64_TYPES.has(field.scalar);
      return field.listKind === "message" && convertedFields(field.message, visiting).length > 0;
    case "message":
      return convertedFields(field.message, visiting).length > 0;
    case "map":
      return field.mapKind === "message" && convertedFields(field.message, visiting).length > 0;
    default:
      return false;
  }
}

function convertedFields(desc: DescMessage, visiting?: Set<DescMessage>): readonly DescField[] {
  const known = fieldsWith64.get(desc);
  if (known) return known;
  visiting ??= new Set();
  // A message that contains itself: taken as holding them (converting finds out).
  if (visiting.has(desc)) return desc.fields;
  visiting.add(desc);
  const fields = desc.fields.filter((f) => holds64(f, visiting));
  visiting.delete(desc);
  fieldsWith64.set(desc, fields);
  return fields;
}

function numbersFor64BitFields(desc: DescMessage, json: JsonValue): JsonValue {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
  const fields = convertedFields(desc);
  // Nothing to convert: the JSON as protobuf-es wrote it (a state view encodes 100,000 task statuses).
  if (fields.length === 0) return json;
  const out: Record<string, JsonValue> = { ...json };
  for (const field of fields) {
    const key = field.name;
    const value = out[key];
    if (value === undefined) continue;
    out[key] = convertField(field, value);
  }
  return out;
}

function convertField(field: DescField, value: JsonValue): JsonValue {
  const scalar = (v: JsonValue) => (typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v);
  switch (field.fieldKind) {
    case "scalar":
      return INT64_TYPES.has(field.scalar) ? scalar(value) : value;
    case "list":
      if (field.listKind === "scalar" && INT64_TYPES.has(field.scalar)) return (value as JsonValue[]).map(scalar);
      if (field.listKind === "message") return (value as JsonValue[]).map((v) => numbersFor64BitFields(field.message, v));
      return value;
    case "message":
      return numbersFor64BitFields(field.message, value);
    case "map": {
      if (field.mapKind !== "message") return value;
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(value as Record<string, JsonValue>)) out[k] = numbersFor64BitFields(field.message, v);
      return out;
    }
    default:
      return value;
  }
}

export function toMesosJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): JsonValue {
  return numbersFor64BitFields(schema, toJson(schema, message, { useProtoFieldName: true }));
}

export function fromMesosJson<Desc extends DescMessage>(schema: Desc, json: JsonValue): MessageShape<Desc> {
  return fromJson(schema, json, { ignoreUnknownFields: false });
}
