/**
 * RecordIO, the framing of Mesos's v1 HTTP streams: each record is its length in bytes as decimal
 * ASCII, a newline, then the bytes (`5\nhello`). Chunk boundaries carry no meaning: a record may
 * span chunks and a chunk may hold several records. Zero-length records are allowed (as in Mesos).
 */
import { MesosError } from "@mesos/core";

const NEWLINE = 0x0a;
/** A uint64 has at most 20 decimal digits. */
const MAX_HEADER_DIGITS = 20;
const encoder = new TextEncoder();

/** One record: `<length>\n<bytes>`. */
export function encodeRecord(record: Uint8Array): Uint8Array {
  const header = encoder.encode(`${record.length}\n`);
  const out = new Uint8Array(header.length + record.length);
  out.set(header, 0);
  out.set(record, header.length);
  return out;
}

/** A malformed stream: a bad length header, a record over the limit, or a truncated record. */
export function recordioError(message: string): MesosError {
  return new MesosError("invalid", `Failed to decode RecordIO stream: ${message}`);
}

/**
 * Incremental decoder: feed chunks as they arrive, get back the records they complete. After an
 * error the decoder stays failed (the next length header cannot be found again).
 */
export class RecordIODecoder {
  private header = "";
  /** Bytes still missing from the current record, or undefined while reading a header. */
  private remaining: number | undefined;
  private parts: Uint8Array[] = [];
  private failed: MesosError | undefined;

  constructor(private readonly maxRecordBytes = Number.MAX_SAFE_INTEGER) {}

  /** True if the input so far ends inside a header or a record. */
  get pending(): boolean {
    return this.header.length > 0 || this.remaining !== undefined;
  }

  decode(chunk: Uint8Array): Uint8Array[] {
    if (this.failed) throw this.failed;
    const records: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining === undefined) {
        const byte = chunk[i++]!;
        if (byte !== NEWLINE) {
          if (byte < 0x30 || byte > 0x39 || this.header.length >= MAX_HEADER_DIGITS) {
            return this.fail(`invalid length header '${this.header}${String.fromCharCode(byte)}'`);
          }
          this.header += String.fromCharCode(byte);
          continue;
        }
        if (this.header.length === 0) return this.fail("empty length header");
        const length = Number(this.header);
        if (length > this.maxRecordBytes) return this.fail(`record of ${this.header} bytes exceeds the limit of ${this.maxRecordBytes}`);
        this.header = "";
        this.remaining = length;
        if (length === 0) records.push(this.take());
        continue;
      }
      const n = Math.min(this.remaining, chunk.length - i);
      // Copied: a source may reuse its chunk buffers.
      this.parts.push(chunk.slice(i, i + n));
      this.remaining -= n;
      i += n;
      if (this.remaining === 0) records.push(this.take());
    }
    return records;
  }

  private take(): Uint8Array {
    const parts = this.parts;
    this.parts = [];
    this.remaining = undefined;
    if (parts.length === 1) return parts[0]!;
    const size = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private fail(message: string): never {
    this.failed = recordioError(message);
    throw this.failed;
  }
}

/** The records of a byte stream (a request or response body), as they complete. */
export async function* readRecords(source: AsyncIterable<Uint8Array>, maxRecordBytes?: number): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new RecordIODecoder(maxRecordBytes);
  for await (const chunk of source) yield* decoder.decode(chunk);
  if (decoder.pending) throw recordioError("the stream ended in the middle of a record");
}
