/**
 * One message in a v1 HTTP body, JSON or protobuf, read the way Mesos reads it: JSON in Mesos's
 * mapping (proto field names, enums by name, bytes in base64) where `null` means "not set" (even
 * in lists) and unknown fields are ignored (unknown enum names are not); and in both formats, a
 * message with a required field unset is refused ("Missing required fields: ..."), as protobuf's
 * IsInitialized() does.
 */
import {
  type DescField,
  type DescMessage,
  fromBinary,
  fromJson,
  isFieldSet,
  type JsonValue,
  type Message,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import { invalid, toMesosJson } from "@mesos/core";
import { checkJsonDepth } from "../request-limits.ts";
import type { MessageFormat } from "./media-types.ts";

// google.protobuf.FeatureSet.FieldPresence.LEGACY_REQUIRED: how protobuf-es marks proto2 `required`.
const LEGACY_REQUIRED = 3;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** The message type of a field holding messages (singly, in a list or as map values). */
function messageOf(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  if (field.fieldKind === "map" && field.mapKind === "message") return field.message;
  return undefined;
}

/**
 * Mesos's reading of JSON, made acceptable to protobuf-es: `null` means "not set" (also in lists)
 * and keys that name no field are dropped, recursively. Unknown enum names still fail.
 */
export function mesosJsonForSchema(schema: DescMessage, json: JsonValue): JsonValue {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return json;
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = schema.fields.find((f) => f.name === key || f.jsonName === key);
    if (!field || value === null) continue;
    const message = messageOf(field);
    const inner = (v: JsonValue) => (message ? mesosJsonForSchema(message, v) : v);
    if (Array.isArray(value)) {
      out[key] = value.filter((v) => v !== null).map(inner);
    } else if (field.fieldKind === "map" && typeof value === "object") {
      out[key] = Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== null)
          .map(([k, v]) => [k, inner(v)]),
      );
    } else {
      out[key] = inner(value);
    }
  }
  return out;
}

/** A field's value; a oneof's member is read from its oneof (`{ case, value }`). */
function fieldValue(message: Message, field: DescField): unknown {
  const msg = message as unknown as Record<string, unknown>;
  if (!field.oneof) return msg[field.localName];
  const chosen = msg[field.oneof.localName] as { case?: string; value?: unknown };
  return chosen.case === field.localName ? chosen.value : undefined;
}

const requiredWithin = new WeakMap<DescMessage, boolean>();

/** Whether a message type has a required field, itself or in any message it can contain (memoized). */
function hasRequired(schema: DescMessage): boolean {
  const known = requiredWithin.get(schema);
  if (known !== undefined) return known;
  // Message types may contain themselves: settle the whole reachable set at once (a fixpoint).
  const reachable = new Set<DescMessage>();
  const stack = [schema];
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (reachable.has(m)) continue;
    reachable.add(m);
    for (const f of m.fields) if (messageOf(f)) stack.push(messageOf(f)!);
  }
  const result = new Map([...reachable].map((m) => [m, m.fields.some((f) => f.presence === LEGACY_REQUIRED)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of reachable) {
      if (result.get(m) || !m.fields.some((f) => messageOf(f) && result.get(messageOf(f)!))) continue;
      result.set(m, true);
      changed = true;
    }
  }
  for (const [m, value] of result) requiredWithin.set(m, value);
  return result.get(schema)!;
}

/** A message type's fields that can hold an unset required field: required ones, and messages that have some within. */
const checkedFields = new WeakMap<DescMessage, DescField[]>();

function fieldsToCheck(schema: DescMessage): DescField[] {
  let fields = checkedFields.get(schema);
  if (!fields) {
    fields = schema.fields.filter((f) => f.presence === LEGACY_REQUIRED || (messageOf(f) !== undefined && hasRequired(messageOf(f)!)));
    checkedFields.set(schema, fields);
  }
  return fields;
}

/** Whether a message has every required field set, within too; compiled once per message type. */
type InitializedCheck = (message: Record<string, unknown>) => boolean;
const compiledChecks = new WeakMap<DescMessage, InitializedCheck>();

/**
 * Whether every required field is set (protobuf's IsInitialized), without building paths: every
 * call is checked, and an ACCEPT of a thousand tasks has tens of thousands of fields. Compiled per
 * message type into a function with its field names in the code (property reads the engine can
 * cache; the generic walk with protobuf-es's isFieldSet for each field, then closures reading
 * `m[name]`, were a twelfth of a re-registration's CPU).
 */
function isInitialized(schema: DescMessage, message: Message): boolean {
  return initializedCheck(schema)(message as unknown as Record<string, unknown>);
}

function initializedCheck(schema: DescMessage): InitializedCheck {
  let check = compiledChecks.get(schema);
  if (check) return check;
  // Set before compiling the fields: recursive message types refer to it.
  compiledChecks.set(schema, (m) => check!(m));
  const lines: string[] = [];
  const subs: InitializedCheck[] = [];
  for (const [i, field] of fieldsToCheck(schema).entries()) {
    const key = JSON.stringify(field.localName);
    // A oneof's member is read from its oneof (`{ case, value }`).
    const oneof = field.oneof ? JSON.stringify(field.oneof.localName) : undefined;
    lines.push(`const v${i} = ${oneof ? `m[${oneof}].case === ${key} ? m[${oneof}].value : undefined` : `m[${key}]`};`);
    // A proto2 field is set when it is the message's own property (defaults live on its prototype).
    if (field.presence === LEGACY_REQUIRED) lines.push(`if (v${i} === undefined || !hasOwn(m, ${oneof ?? key})) return false;`);
    const sub = `subs[${subs.length}]`;
    if (field.fieldKind === "message") {
      subs.push(initializedCheck(field.message));
      lines.push(`if (v${i} !== undefined && !${sub}(v${i})) return false;`);
    } else if (field.fieldKind === "list" && field.listKind === "message") {
      subs.push(initializedCheck(field.message));
      lines.push(`for (const item of v${i}) if (!${sub}(item)) return false;`);
    } else if (field.fieldKind === "map" && field.mapKind === "message") {
      subs.push(initializedCheck(field.message));
      lines.push(`for (const item of Object.values(v${i})) if (!${sub}(item)) return false;`);
    }
  }
  // The code is built from the schema's own field names (JSON-quoted), never from input.
  check = new Function("hasOwn", "subs", `return (m) => {\n${lines.join("\n")}\nreturn true;\n};`)(Object.hasOwn, subs) as InitializedCheck;
  compiledChecks.set(schema, check);
  return check;
}

/** Paths of required fields left unset, e.g. `subscribe.framework_info.user`. */
export function missingRequiredFields(schema: DescMessage, message: Message, prefix = ""): string[] {
  const missing: string[] = [];
  // Most of a Call's sub-messages have no required field anywhere: not walked. Most calls are complete.
  if (!hasRequired(schema) || (prefix === "" && isInitialized(schema, message))) return missing;
  for (const field of schema.fields) {
    const path = `${prefix}${field.name}`;
    if (field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message")) {
      const value = fieldValue(message, field);
      const items = field.fieldKind === "list" ? (value as Message[]) : value === undefined ? [] : [value as Message];
      items.forEach((item, i) => {
        const at = field.fieldKind === "list" ? `${path}[${i}].` : `${path}.`;
        missing.push(...missingRequiredFields(field.message!, item, at));
      });
    } else if (field.fieldKind === "map" && field.mapKind === "message") {
      for (const [key, item] of Object.entries(fieldValue(message, field) as Record<string, Message>)) {
        missing.push(...missingRequiredFields(field.message, item, `${path}[${key}].`));
      }
    }
    if (field.presence === LEGACY_REQUIRED && !isFieldSet(message as never, field)) missing.push(path);
  }
  return missing;
}

function requireInitialized<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): MessageShape<Desc> {
  const missing = missingRequiredFields(schema, message);
  if (missing.length > 0) throw invalid(`Missing required fields: ${missing.join(", ")}`);
  return message;
}

/**
 * Decodes one message. Throws MesosError("invalid") with Mesos's wording: "Failed to parse body
 * into JSON: ...", "Failed to convert JSON into Call protobuf: ...", "Failed to parse body into
 * Call protobuf".
 */
export function decodeMessage<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array, format: MessageFormat): MessageShape<Desc> {
  const name = schema.name;
  if (format === "protobuf") {
    let message: MessageShape<Desc>;
    try {
      message = fromBinary(schema, bytes);
    } catch (e) {
      throw invalid(`Failed to parse body into ${name} protobuf`, e);
    }
    try {
      return requireInitialized(schema, message);
    } catch (e) {
      throw invalid(`Failed to parse body into ${name} protobuf: ${(e as Error).message}`, e);
    }
  }
  let json: JsonValue;
  try {
    checkJsonDepth(bytes);
    json = JSON.parse(decoder.decode(bytes)) as JsonValue;
  } catch (e) {
    throw invalid(`Failed to parse body into JSON: ${(e as Error).message}`, e);
  }
  try {
    if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error("Expecting a JSON object");
    return requireInitialized(schema, fromJson(schema, mesosJsonForSchema(schema, json)));
  } catch (e) {
    throw invalid(`Failed to convert JSON into ${name} protobuf: ${(e as Error).message}`, e);
  }
}

/** Encodes one message: Mesos's JSON mapping (UTF-8) or protobuf binary. */
export function encodeMessage<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, format: MessageFormat): Uint8Array {
  return format === "protobuf" ? toBinary(schema, message) : encoder.encode(JSON.stringify(toMesosJson(schema, message)));
}
