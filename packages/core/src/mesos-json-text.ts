/**
 * `JSON.stringify(toMesosJson(schema, message))` written directly as text: the same characters,
 * without building protobuf-es's JSON value first, copying it to turn 64-bit integers into numbers
 * (mesos-json.ts) and walking it again to stringify it. A state view at 100,000 tasks encodes
 * 300,000 task statuses on its first read; through toMesosJson that was most of the read's 5-8 s.
 *
 * A writer is generated once per message type (a function with the fields' names written out, 3-4
 * times faster than one generic loop over the fields), field by field in field-number order as
 * protobuf-es writes them: proto field names, the same presence rules, enums by name, bytes in
 * base64, NaN and the infinities as strings. A type with a map field or a google.protobuf field
 * (their JSON forms are their own) is written through toMesosJson, as is a message missing a
 * required field (which then throws as toMesosJson does). test/proto/mesos-json-text.test.ts
 * compares the two over random messages.
 */
import type { DescEnum, DescField, DescMessage, MessageShape } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { toMesosJson } from "./mesos-json.ts";

/** google.protobuf.FeatureSet.FieldPresence values (as protobuf-es names them). */
const IMPLICIT = 2;
const LEGACY_REQUIRED = 3;

// biome-ignore lint/suspicious/noExplicitAny: messages are read field by field through their descriptors
type Message = any;
type Write = (message: Message) => string;

const writers = new WeakMap<DescMessage, Write>();

export function toMesosJsonText<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return writerOf(schema)(message);
}

const slowWriter =
  (desc: DescMessage): Write =>
  (message) =>
    JSON.stringify(toMesosJson(desc, message));

/** Types whose JSON this writer does not produce itself. */
function compilable(desc: DescMessage): boolean {
  if (desc.typeName.startsWith("google.protobuf.")) return false;
  return desc.fields.every((f) => f.fieldKind !== "map" && !(f.message?.typeName.startsWith("google.protobuf.") ?? false));
}

function writerOf(desc: DescMessage): Write {
  const known = writers.get(desc);
  if (known) return known;
  if (!compilable(desc)) {
    const slow = slowWriter(desc);
    writers.set(desc, slow);
    return slow;
  }
  // Registered before the fields' types are looked up: a type that contains itself finds this.
  let generated: Write | undefined;
  writers.set(desc, (message) => generated!(message));
  generated = generate(desc);
  writers.set(desc, generated);
  return generated;
}

/** What a generated writer refers to: the writers of its fields' message types, enum names. */
interface Refs {
  messages: Write[];
  enums: Map<number, string>[];
}

function generate(desc: DescMessage): Write {
  const refs: Refs = { messages: [], enums: [] };
  const lines = ['let o = "", v, s;'];
  for (const field of desc.fields.toSorted((a, b) => a.number - b.number)) lines.push(fieldCode(field, refs));
  lines.push('return "{" + o + "}";');
  const make = new Function("hasOwn", "W", "E", "b64", "num", "slow", `return function write(m) {\n${lines.join("\n")}\n};`);
  return make(Object.hasOwn, refs.messages, refs.enums, base64Encode, doubleText, slowWriter(desc)) as Write;
}

/** The code that adds a field's `"name":value` to `o` (comma first unless it is the first). */
function fieldCode(field: DescField, refs: Refs): string {
  const local = JSON.stringify(field.localName);
  const key = JSON.stringify(`${JSON.stringify(field.name)}:`);
  const add = (value: string) => `{ s = ${key} + ${value}; o = o === "" ? s : o + "," + s; }`;
  if (field.fieldKind === "list") {
    const item = valueCode(field, "v[0]", refs);
    const next = valueCode(field, "v[i]", refs);
    return `v = m[${local}]; if (v.length !== 0) { let t = ${item}; for (let i = 1; i < v.length; i++) t += "," + ${next}; ${add('"[" + t + "]"')} }`;
  }
  if (field.fieldKind === "map") throw new Error(`${field} is a map`); // compilable() keeps them out
  if (field.oneof) {
    const oneof = JSON.stringify(field.oneof.localName);
    return `v = m[${oneof}]; if (v.case === ${local}) { v = v.value; ${add(valueCode(field, "v", refs))} }`;
  }
  if (field.presence !== IMPLICIT) {
    const missing = field.presence === LEGACY_REQUIRED ? " else return slow(m);" : "";
    return `v = m[${local}]; if (v !== undefined && hasOwn(m, ${local})) ${add(valueCode(field, "v", refs))}${missing}`;
  }
  return `v = m[${local}]; if (!(${implicitZeroCode(field)})) ${add(valueCode(field, "v", refs))}`;
}

/** Whether an implicit-presence field holds its zero value (not written), as protobuf-es decides. */
function implicitZeroCode(field: DescField & { fieldKind: "scalar" | "enum" | "message" }): string {
  if (field.fieldKind === "enum") return `v === ${field.enum.values[0]!.number}`;
  if (field.fieldKind === "message") return "v === undefined";
  switch (field.scalar) {
    case ScalarType.BOOL:
      return "v === false";
    case ScalarType.STRING:
      return 'v === ""';
    case ScalarType.BYTES:
      return "v instanceof Uint8Array && v.byteLength === 0";
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return "Object.is(v, 0)";
    default:
      // protobuf-es's own test: loose, for 0n, 0 and "0".
      return "v == 0";
  }
}

/** The code of a value's JSON text, the value being the expression `v`. */
function valueCode(field: DescField & { fieldKind: "scalar" | "enum" | "message" | "list" }, v: string, refs: Refs): string {
  const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
  if (kind === "enum") {
    const values = (field as { enum: DescEnum }).enum.values;
    // An unknown value is written as its number.
    const e = refs.enums.push(new Map(values.map((x) => [x.number, JSON.stringify(x.jsonName)]))) - 1;
    return `(E[${e}].get(${v}) ?? String(${v}))`;
  }
  if (kind === "message") {
    const w = refs.messages.push(writerOf((field as { message: DescMessage }).message)) - 1;
    return `W[${w}](${v})`;
  }
  switch ((field as { scalar: ScalarType }).scalar) {
    case ScalarType.STRING:
      return `JSON.stringify(${v})`;
    case ScalarType.BOOL:
      return `(${v} ? "true" : "false")`;
    case ScalarType.BYTES:
      return `('"' + b64(${v}) + '"')`;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return `num(${v})`;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      // Mesos writes 64-bit integers as JSON numbers (mesos-json.ts): the nearest double.
      return `String(Number(${v}))`;
    default:
      return `String(${v})`;
  }
}

/** A double as protobuf-es's JSON has it: a number, or "NaN", "Infinity", "-Infinity". */
function doubleText(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return Number.isNaN(n) ? '"NaN"' : n > 0 ? '"Infinity"' : '"-Infinity"';
}
