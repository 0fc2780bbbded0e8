/**
 * What the hand decoders of agents' frames read with (status-update-decoder.ts,
 * attach-request-decoder.ts): a cursor over the bytes that throws NOT_PLAIN at anything it does not
 * expect, so the caller hands the bytes to protobuf-es (the messages it fills are @mesos/rpc's shellOf).
 */

/** Bytes a hand decoder does not take: protobuf-es decodes them. */
export class NotPlain extends Error {}
export const NOT_PLAIN = new NotPlain();

/**
 * Text seen lately, by a hash of its bytes: most strings repeat (agent and framework ids, the
 * connection id), and reusing the string is cheaper than making it again.
 */
const recentText = new Map<number, string>();
const RECENT_TEXT_MAX = 4096;

function sameText(text: string, buf: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = start; i < end; i++) if (text.charCodeAt(i - start) !== buf[i]) return false;
  return true;
}

/** A cursor over a frame; anything it does not expect throws NOT_PLAIN. */
export class WireReader {
  pos = 0;
  private readonly view: DataView;
  /** The same bytes, for Buffer's latin1 slice (ASCII text without a subarray and a decoder). */
  private readonly text: Buffer;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A varint up to 2^49 (tags, lengths, enums). */
  varint(): number {
    const buf = this.buf;
    if (this.pos >= buf.length) throw NOT_PLAIN;
    let b = buf[this.pos++]!;
    if (b < 0x80) return b;
    let value = b & 0x7f;
    for (let shift = 128; ; shift *= 128) {
      if (this.pos >= buf.length || shift > 2 ** 49) throw NOT_PLAIN;
      b = buf[this.pos++]!;
      value += (b & 0x7f) * shift;
      if (b < 0x80) return value;
    }
  }

  /** Where a length-delimited field that starts here ends. */
  end(): number {
    const length = this.varint();
    this.need(length);
    return this.pos + length;
  }

  /** That `length` more bytes are there. */
  need(length: number): void {
    if (this.pos + length > this.buf.length) throw NOT_PLAIN;
  }

  /** `value` if the message it was read from ended exactly at `end`. */
  at<T>(end: number, value: T): T {
    if (this.pos !== end) throw NOT_PLAIN;
    return value;
  }

  /**
   * ASCII text. `recent`: it may well have been seen lately (an id of an agent or a framework);
   * text that is new each time (a task's id and name) is not looked for nor kept, since it would
   * push out what repeats.
   */
  ascii(recent = true): string {
    const end = this.end();
    const buf = this.buf;
    const start = this.pos;
    let hash = end - start;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c > 0x7f) throw NOT_PLAIN;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    this.pos = end;
    if (!recent) return this.text.toString("latin1", start, end);
    const known = recentText.get(hash);
    if (known !== undefined && sameText(known, buf, start, end)) return known;
    const text = this.text.toString("latin1", start, end);
    if (recentText.size >= RECENT_TEXT_MAX) recentText.clear();
    recentText.set(hash, text);
    return text;
  }

  /** A message with one string field, 1 (TaskID, FrameworkID, AgentID, ExecutorID), read into `id` (`recent` as for `ascii`). */
  id<T extends { value: string }>(id: T, recent = true): T {
    const end = this.end();
    while (this.pos < end) {
      if (this.varint() !== ((1 << 3) | 2)) throw NOT_PLAIN;
      id.value = this.ascii(recent);
    }
    return this.at(end, id);
  }

  /** A closed enum's value, one of `values` (others are unknown fields to protobuf-es). */
  enumValue(values: ReadonlySet<number>): number {
    const value = this.varint();
    if (!values.has(value)) throw NOT_PLAIN;
    return value;
  }

  /** A uint64 up to 2^53 (larger ones are left to protobuf-es). */
  uint64(): bigint {
    const value = this.varint();
    if (value > Number.MAX_SAFE_INTEGER) throw NOT_PLAIN;
    return BigInt(value);
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** The bytes in the frame, as protobuf-es gives them (a view, not a copy). */
  bytes(): Uint8Array {
    const end = this.end();
    const value = this.buf.subarray(this.pos, end);
    this.pos = end;
    return value;
  }

  /** Past a field of this wire type (groups are not taken). */
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 5) this.pos += 4;
    else if (wireType === 2) this.pos = this.end();
    else throw NOT_PLAIN;
    if (this.pos > this.buf.length) throw NOT_PLAIN;
  }
}
