/**
 * Whether a message's bytes have the shape its schema gives them: every known field with the wire
 * type of its type, every nested message inside its own length. protobuf-es reads a known field by
 * its type whatever the wire type says, and a nested message running past its length on into its
 * parent's next fields; bytes of that shape can be read differently by a reader that follows the
 * wire. A hand decoder reading part of a message itself (attach-request-decoder.ts) checks this
 * first and leaves any other bytes to protobuf-es. No values are made: a walk over the bytes.
 */
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

export function wireMatchesSchema(desc: DescMessage, bytes: Uint8Array): boolean {
  return walk(desc, bytes, 0, bytes.length, 0);
}

const MAX_DEPTH = 100;

/** What the walk checks of a known field: the wire types it may come in (a bit each), and what is inside. */
interface FieldShape {
  wireTypes: number;
  /** A message's fields are walked in turn. */
  message?: DescMessage;
  /** A packed list's values are of this wire type. */
  packed?: number;
}

/** Where the last varint read ended (set by readVarint). */
let next = 0;

function walk(desc: DescMessage, bytes: Uint8Array, start: number, end: number, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const shapes = shapesOf(desc);
  let at = start;
  while (at < end) {
    const tag = readVarint(bytes, at, end);
    // protobuf-es refuses a tag over 32 bits, and field 0.
    if (tag < 8 || tag > 0xffffffff) return false;
    at = next;
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    let length = 0;
    if (wireType === VARINT) {
      if (readVarint(bytes, at, end) < 0) return false;
      at = next;
    } else if (wireType === FIXED64) at += 8;
    else if (wireType === FIXED32) at += 4;
    else if (wireType === LENGTH_DELIMITED) {
      length = readVarint(bytes, at, end);
      if (length < 0) return false;
      at = next + length;
    } else return false; // groups
    if (at > end) return false;
    const shape = shapes.get(number);
    if (!shape) continue;
    if ((shape.wireTypes & (1 << wireType)) === 0) return false;
    if (wireType !== LENGTH_DELIMITED) continue;
    if (shape.message) {
      if (!walk(shape.message, bytes, at - length, at, depth + 1)) return false;
    } else if (shape.packed !== undefined && !packedFits(shape.packed, bytes, at - length, at)) {
      return false;
    }
  }
  return at === end;
}

/** A field as protobuf-es reads it; undefined for fields left to it (maps, groups): no wire type fits. */
function shapeOf(field: DescField): FieldShape {
  const bit = (wireType: number) => 1 << wireType;
  switch (field.fieldKind) {
    case "message":
      return field.delimitedEncoding ? { wireTypes: 0 } : { wireTypes: bit(LENGTH_DELIMITED), message: field.message };
    case "enum":
      return { wireTypes: bit(VARINT) };
    case "scalar":
      return { wireTypes: bit(scalarWireType(field.scalar)) };
    case "list": {
      if (field.listKind === "message")
        return field.delimitedEncoding ? { wireTypes: 0 } : { wireTypes: bit(LENGTH_DELIMITED), message: field.message };
      const wireType = field.listKind === "enum" ? VARINT : scalarWireType(field.scalar);
      return wireType === LENGTH_DELIMITED ? { wireTypes: bit(wireType) } : { wireTypes: bit(wireType) | bit(LENGTH_DELIMITED), packed: wireType };
    }
    default:
      return { wireTypes: 0 };
  }
}

function scalarWireType(scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return LENGTH_DELIMITED;
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return FIXED64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return FIXED32;
    default:
      return VARINT;
  }
}

/** A packed list's values end where its bytes end (protobuf-es reads on past the end otherwise). */
function packedFits(wireType: number, bytes: Uint8Array, start: number, end: number): boolean {
  if (wireType === FIXED64) return (end - start) % 8 === 0;
  if (wireType === FIXED32) return (end - start) % 4 === 0;
  for (let at = start; at < end; at = next) if (readVarint(bytes, at, end) < 0) return false;
  return true;
}

const shapes = new WeakMap<DescMessage, Map<number, FieldShape>>();
function shapesOf(desc: DescMessage): Map<number, FieldShape> {
  let byNumber = shapes.get(desc);
  if (!byNumber) {
    byNumber = new Map(desc.fields.map((f) => [f.number, shapeOf(f)]));
    shapes.set(desc, byNumber);
  }
  return byNumber;
}

/** A varint ending before `end` (at most 10 bytes): its value (exact up to 2^53), -1 if there is none; `next` is set past it. */
function readVarint(bytes: Uint8Array, at: number, end: number): number {
  const first = bytes[at]!;
  if (at < end && first < 0x80) {
    next = at + 1;
    return first;
  }
  let value = 0;
  for (let shift = 1, n = 0; at < end && n < 10; shift *= 128, n++) {
    const b = bytes[at++]!;
    value += (b & 0x7f) * shift;
    if (b < 0x80) {
      next = at;
      return value;
    }
  }
  return -1;
}
