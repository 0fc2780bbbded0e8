/**
 * The OFFERS event's protobuf bytes, written by hand. A busy master sends more offers than it
 * launches tasks (frameworks at their limit decline them), and protobuf-es's reflective encoder
 * was most of what an offer cost after it was made. The offer, its ids and its plain resources
 * (name, type, a scalar, ranges or a set, role, allocation and reservations without labels) are
 * written here; anything else in them (attributes, a domain, an unavailability, a disk, labels, an
 * unknown field) goes through protobuf-es, spliced in. The bytes equal `toBinary` of the event
 * (offers-event-encoding.test.ts compares them on generated offers).
 */
import { toBinary } from "@bufbuild/protobuf";
import {
  AttributeSchema,
  DomainInfoSchema,
  ExecutorIDSchema,
  type Offer,
  OfferSchema,
  type Resource,
  ResourceSchema,
  scheduler,
  UnavailabilitySchema,
  type URL as MesosURL,
  URLSchema,
} from "@mesos/proto";

const LENGTH_DELIMITED = 2;
const VARINT = 0;
const FIXED64 = 1;

const EVENT_TYPE = scheduler.EventSchema.field.type!.number;
const EVENT_OFFERS = scheduler.EventSchema.field.offers!.number;
const OFFERS_OFFERS = scheduler.Event_OffersSchema.field.offers!.number;
const OFFER = OfferSchema.field;
const RESOURCE = ResourceSchema.field;

/** The Offer fields written here; an offer with any other own field is left to protobuf-es whole. */
const OFFER_KEYS = new Set(["$typeName", ...Object.values(OFFER).map((f) => f.localName)]);
const RESOURCE_KEYS = new Set(["$typeName", "name", "type", "scalar", "ranges", "set", "role", "allocationInfo", "reservations"]);

/** A resource this writer does not take (protobuf-es encodes it). */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

/** How offers and resources were written (the tests check the hand path is taken). */
export const offersEncoded = { byHand: 0, byProtobufEs: 0, resourcesByHand: 0, resourcesByProtobufEs: 0 };

/** The protobuf bytes of `Event { type: OFFERS, offers: { offers } }`. */
export function encodeOffersEvent(offers: readonly Offer[]): Uint8Array {
  const w = writer;
  w.pos = 0;
  w.tag(EVENT_TYPE, VARINT);
  w.varint(scheduler.Event_Type.OFFERS);
  w.tag(EVENT_OFFERS, LENGTH_DELIMITED);
  const outer = w.fork();
  for (const offer of offers) {
    w.tag(OFFERS_OFFERS, LENGTH_DELIMITED);
    const start = w.fork();
    try {
      writeOffer(w, offer);
    } catch (e) {
      if (e !== NOT_PLAIN) throw e;
      w.pos = start;
      w.bytes(toBinary(OfferSchema, offer));
      offersEncoded.byProtobufEs++;
      continue;
    }
    w.join(start);
    offersEncoded.byHand++;
  }
  w.join(outer);
  return w.buf.slice(0, w.pos);
}

function writeOffer(w: Writer, o: Offer): void {
  // Required fields missing: protobuf-es says so.
  if (!ownKeysIn(o, OFFER_KEYS) || !has(o, "id") || !has(o, "frameworkId") || !has(o, "agentId") || !has(o, "hostname")) throw NOT_PLAIN;
  w.id(OFFER.id!.number, o.id!);
  w.id(OFFER.frameworkId!.number, o.frameworkId!);
  w.id(OFFER.agentId!.number, o.agentId!);
  w.stringField(OFFER.hostname!.number, o.hostname);
  for (const r of o.resources) {
    w.tag(OFFER.resources!.number, LENGTH_DELIMITED);
    writeResource(w, r);
  }
  for (const e of o.executorIds) w.messageField(OFFER.executorIds!.number, toBinary(ExecutorIDSchema, e));
  for (const a of o.attributes) w.messageField(OFFER.attributes!.number, toBinary(AttributeSchema, a));
  if (has(o, "url")) w.messageField(OFFER.url!.number, urlBytes(o.url!));
  if (has(o, "unavailability")) w.messageField(OFFER.unavailability!.number, toBinary(UnavailabilitySchema, o.unavailability!));
  if (has(o, "allocationInfo")) {
    w.tag(OFFER.allocationInfo!.number, LENGTH_DELIMITED);
    writeAllocationInfo(w, o.allocationInfo!);
  }
  if (has(o, "domain")) w.messageField(OFFER.domain!.number, toBinary(DomainInfoSchema, o.domain!));
}

/** A resource, length first: by hand if it is plain, else protobuf-es's bytes. */
function writeResource(w: Writer, r: Resource): void {
  const start = w.fork();
  try {
    writePlainResource(w, r);
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
    w.pos = start;
    w.bytes(toBinary(ResourceSchema, r));
    offersEncoded.resourcesByProtobufEs++;
    return;
  }
  w.join(start);
  offersEncoded.resourcesByHand++;
}

function writePlainResource(w: Writer, r: Resource): void {
  // Required fields missing: protobuf-es says so.
  if (!ownKeysIn(r, RESOURCE_KEYS) || !has(r, "name") || !has(r, "type")) throw NOT_PLAIN;
  w.stringField(RESOURCE.name!.number, r.name);
  w.tag(RESOURCE.type!.number, VARINT);
  w.enumValue(r.type);
  if (has(r, "scalar")) {
    const scalar = r.scalar!;
    if (!ownKeysIn(scalar, SCALAR_KEYS) || !has(scalar, "value")) throw NOT_PLAIN;
    w.tag(RESOURCE.scalar!.number, LENGTH_DELIMITED);
    w.varint(9);
    w.tag(1, FIXED64);
    w.double(scalar.value);
  }
  if (has(r, "ranges")) {
    const ranges = r.ranges!;
    if (!ownKeysIn(ranges, RANGES_KEYS)) throw NOT_PLAIN;
    w.tag(RESOURCE.ranges!.number, LENGTH_DELIMITED);
    const start = w.fork();
    for (const range of ranges.range) {
      if (!ownKeysIn(range, RANGE_KEYS) || !has(range, "begin") || !has(range, "end")) throw NOT_PLAIN;
      w.tag(1, LENGTH_DELIMITED);
      const rangeStart = w.fork();
      w.tag(1, VARINT);
      w.uint64(range.begin);
      w.tag(2, VARINT);
      w.uint64(range.end);
      w.join(rangeStart);
    }
    w.join(start);
  }
  if (has(r, "set")) {
    const set = r.set!;
    if (!ownKeysIn(set, SET_KEYS)) throw NOT_PLAIN;
    w.tag(RESOURCE.set!.number, LENGTH_DELIMITED);
    const start = w.fork();
    for (const item of set.item) w.stringField(1, item);
    w.join(start);
  }
  if (has(r, "role")) w.stringField(RESOURCE.role!.number, r.role);
  if (has(r, "allocationInfo")) {
    w.tag(RESOURCE.allocationInfo!.number, LENGTH_DELIMITED);
    writeAllocationInfo(w, r.allocationInfo!);
  }
  for (const reservation of r.reservations) {
    if (!ownKeysIn(reservation, RESERVATION_KEYS)) throw NOT_PLAIN;
    w.tag(RESOURCE.reservations!.number, LENGTH_DELIMITED);
    const start = w.fork();
    // ReservationInfo: principal 1, role 3, type 4 (labels 2 is not taken).
    if (has(reservation, "principal")) w.stringField(1, reservation.principal);
    if (has(reservation, "role")) w.stringField(3, reservation.role);
    if (has(reservation, "type")) {
      w.tag(4, VARINT);
      w.enumValue(reservation.type);
    }
    w.join(start);
  }
}

function writeAllocationInfo(w: Writer, info: Resource["allocationInfo"] & object): void {
  if (!ownKeysIn(info, ALLOCATION_INFO_KEYS)) return void w.bytes(toBinary(ResourceSchema.field.allocationInfo!.message!, info));
  const start = w.fork();
  if (has(info, "role")) w.stringField(1, info.role);
  w.join(start);
}

const ID_KEYS = new Set(["$typeName", "value"]);
const SCALAR_KEYS = new Set(["$typeName", "value"]);
const RANGES_KEYS = new Set(["$typeName", "range"]);
const RANGE_KEYS = new Set(["$typeName", "begin", "end"]);
const SET_KEYS = new Set(["$typeName", "item"]);
const ALLOCATION_INFO_KEYS = new Set(["$typeName", "role"]);
const RESERVATION_KEYS = new Set(["$typeName", "type", "role", "principal"]);

/** A URL's bytes, once per URL: an agent's offers share its URL message, made once (make-offers.ts). */
const urls = new WeakMap<MesosURL, Uint8Array>();
function urlBytes(url: MesosURL): Uint8Array {
  let bytes = urls.get(url);
  if (bytes === undefined) urls.set(url, (bytes = toBinary(URLSchema, url)));
  return bytes;
}

/** Whether protobuf-es writes the field: an own property, not undefined (proto2 presence). */
function has<T extends object>(message: T, key: keyof T & string): boolean {
  return Object.hasOwn(message, key) && message[key] !== undefined;
}

function ownKeysIn(message: object, allowed: ReadonlySet<string>): boolean {
  for (const key of Object.keys(message)) if (!allowed.has(key)) return false;
  return true;
}

const textEncoder = new TextEncoder();
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** One buffer, reused by every event (the bytes are copied out). */
class Writer {
  buf = new Uint8Array(64 * 1024);
  pos = 0;
  private view = new DataView(this.buf.buffer);

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  varint(n: number): void {
    this.ensure(10);
    const buf = this.buf;
    while (n >= 0x80) {
      buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[this.pos++] = n;
  }

  tag(number: number, wireType: number): void {
    this.varint(number * 8 + wireType);
  }

  /** A non-negative enum value (a negative one takes ten bytes: protobuf-es writes it). */
  enumValue(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw NOT_PLAIN;
    this.varint(n);
  }

  uint64(n: bigint): void {
    if (typeof n !== "bigint" || n < 0n || n > MAX_SAFE) throw NOT_PLAIN;
    this.varint(Number(n));
  }

  double(n: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  messageField(number: number, b: Uint8Array): void {
    this.tag(number, LENGTH_DELIMITED);
    this.bytes(b);
  }

  stringField(number: number, s: string): void {
    this.tag(number, LENGTH_DELIMITED);
    const n = s.length;
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return this.bytes(textEncoder.encode(s));
    this.varint(n);
    this.ensure(n);
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[this.pos++] = s.charCodeAt(i);
  }

  /** An OfferID, FrameworkID or AgentID: one string field, 1. */
  id(number: number, id: { value: string }): void {
    if (!ownKeysIn(id, ID_KEYS) || !has(id, "value")) throw NOT_PLAIN;
    this.tag(number, LENGTH_DELIMITED);
    const start = this.fork();
    this.stringField(1, id.value);
    this.join(start);
  }

  /** Leaves a byte for the length of what follows; `join` writes it (moving the bytes if it takes more). */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  join(start: number): void {
    const length = this.pos - start - 1;
    let size = 1;
    for (let n = length; n >= 0x80; n = Math.floor(n / 128)) size++;
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    let at = start;
    let n = length;
    while (n >= 0x80) {
      this.buf[at++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[at] = n;
  }
}

const writer = new Writer();
