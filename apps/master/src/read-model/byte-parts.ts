/**
 * An HTTP body made of byte arrays the read model keeps between reads (a framework's task list, an
 * agent), sent one after another as a stream, never joined. At 10,000 agents and 100,000 tasks a
 * state view is about 100 MB: joining its parts into one string and encoding that to UTF-8 was
 * most of a read's CPU (80% of a warm `/state`), and a Blob of the parts is no better, since Bun
 * copies them into one new buffer (100 MB allocated, page-faulted in and freed on every read).
 * The stream hands Bun.serve the kept arrays as they are, a few at a time as the socket drains.
 * Parts must not be changed once given: a body is shared by the readers of a batch
 * (batched-reads.ts) and read while the master moves on.
 */

import { concatBytes } from "@mesos/rpc";

/** Smaller parts (separators, one agent's JSON) are copied together into chunks of about this size. */
const CHUNK = 16 * 1024;
/** What one pull of the stream hands over: fewer round trips through the stream for small chunks. */
const PULL = 1024 * 1024;

const encoder = new TextEncoder();

export class ByteParts {
  private constructor(
    private readonly chunks: readonly Uint8Array[],
    /** Bytes in all. */
    readonly length: number,
  ) {}

  /** The parts in order, strings as UTF-8; parts of `CHUNK` bytes or more are kept as they are. */
  static of(parts: Iterable<string | Uint8Array>): ByteParts {
    const chunks: Uint8Array[] = [];
    let length = 0;
    let small: Uint8Array[] = [];
    let smallBytes = 0;
    const flush = () => {
      if (smallBytes === 0) return;
      chunks.push(small.length === 1 ? small[0]! : concatBytes(small, smallBytes));
      small = [];
      smallBytes = 0;
    };
    for (const part of parts) {
      const bytes = typeof part === "string" ? encoder.encode(part) : part;
      if (bytes.length === 0) continue;
      length += bytes.length;
      if (bytes.length >= CHUNK) {
        flush();
        chunks.push(bytes);
        continue;
      }
      small.push(bytes);
      smallBytes += bytes.length;
      if (smallBytes >= CHUNK) flush();
    }
    flush();
    return new ByteParts(chunks, length);
  }

  /** A new stream of the bytes (each reader gets its own). */
  stream(): ReadableStream<Uint8Array> {
    let next = 0;
    const { chunks } = this;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        let handed = 0;
        while (next < chunks.length && handed < PULL) {
          const chunk = chunks[next++]!;
          controller.enqueue(chunk);
          handed += chunk.length;
        }
        if (next === chunks.length) controller.close();
      },
    });
  }

  /** A 200 answer with these bytes as its body (chunked: Bun.serve sends a stream of more than a few KB so, whatever Content-Length says). */
  response(contentType: string): Response {
    return new Response(this.stream(), { status: 200, headers: { "Content-Type": contentType } });
  }

  /** The bytes in one array (tests, and in-process callers that want them whole). */
  bytes(): Uint8Array {
    return this.chunks.length === 1 ? this.chunks[0]!.slice() : concatBytes(this.chunks, this.length);
  }
}
