/**
 * POSTs of small bodies to HTTP/1.1 servers (a master) on kept-alive TCP connections
 * (Bun.connect), one request at a time on each, reused for the next; the answer comes back as its
 * status, header fields and bytes, with no Request, Response or Headers objects. Bun's fetch cost
 * a framework 31-40 us of CPU a request (its HTTP client thread, the Request/Response machinery),
 * and a framework sends three ACKNOWLEDGEs a task. Requests are not pipelined: Bun.serve drops a
 * connection that sends a request while its previous answer is still being computed.
 *
 * Reads what a master answers: Content-Length or chunked bodies, `Connection: close`. A
 * connection that closes while a request is on it fails that request (as fetch does); nothing is
 * retried. http:// only.
 */

import { concatBytes } from "./request-limits.ts";

/** An answer as read off the connection: status, header fields in order, and the body. */
export interface KeepAliveAnswer {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** POSTs `body` to an `http://` URL on a kept-alive connection; resolves with the whole answer. */
export type KeepAlivePost = (url: string, headers: Record<string, string>, body: Uint8Array, signal?: AbortSignal) => Promise<KeepAliveAnswer>;

export function createKeepAlivePost(): KeepAlivePost {
  const pools = new Map<string, ReturnType<typeof originPool>>();
  // A client calls the same few URLs over and over.
  const targets = new Map<string, { pool: ReturnType<typeof originPool>; host: string; path: string }>();
  return (input, headers, body, signal) => {
    let target = targets.get(input);
    if (!target) {
      const url = new URL(input);
      if (url.protocol !== "http:") return Promise.reject(new TypeError(`Only http:// URLs: ${input}`));
      let pool = pools.get(url.host);
      if (!pool) pools.set(url.host, (pool = originPool(url.hostname, Number(url.port || 80))));
      if (targets.size > 1000) targets.clear();
      targets.set(input, (target = { pool, host: url.host, path: `${url.pathname}${url.search}` }));
    }
    return target.pool.request(target.host, target.path, headers, body, signal);
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLF2 = encoder.encode("\r\n\r\n");

interface Pending {
  head: Uint8Array;
  body: Uint8Array;
  resolve(answer: KeepAliveAnswer): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
}

interface Connection {
  socket?: Bun.Socket<undefined>;
  /** The request on it, if any. */
  current?: Pending;
  /** Bytes of the answer read so far. */
  received: Uint8Array;
  /** Bytes of the request not yet written (the socket was full). */
  unsent?: Uint8Array;
  closed: boolean;
}

/** At most this many connections per origin (Bun's fetch keeps 64 idle ones); further requests wait for one. */
const MAX_CONNECTIONS = 64;

function originPool(hostname: string, port: number) {
  const idle: Connection[] = [];
  const waiting: Pending[] = [];
  let open = 0;

  function connect(first: Pending): void {
    open++;
    const c: Connection = { received: new Uint8Array(0), closed: false };
    Bun.connect({
      hostname,
      port,
      socket: {
        data: (_s, chunk) => onData(c, chunk),
        drain: (s) => {
          const rest = c.unsent;
          c.unsent = undefined;
          if (rest) write(c, s, rest);
        },
        close: () => onClose(c, new TypeError("The connection closed before the answer came")),
        error: (_s, e) => onClose(c, e),
      },
    }).then(
      (socket) => {
        c.socket = socket;
        if (c.closed) first.reject(new TypeError("The connection closed as it opened"));
        else send(c, first);
      },
      (e) => {
        if (!c.closed) {
          c.closed = true;
          open--;
        }
        first.reject(e);
        next();
      },
    );
  }

  function send(c: Connection, p: Pending): void {
    c.current = p;
    c.received = new Uint8Array(0);
    const out = new Uint8Array(p.head.length + p.body.length);
    out.set(p.head);
    out.set(p.body, p.head.length);
    write(c, c.socket!, out);
  }

  function write(c: Connection, socket: Bun.Socket<undefined>, bytes: Uint8Array): void {
    const n = socket.write(bytes);
    if (n < bytes.length) c.unsent = bytes.subarray(Math.max(0, n));
  }

  function onData(c: Connection, chunk: Uint8Array): void {
    c.received = c.received.length === 0 ? new Uint8Array(chunk) : concatBytes([c.received, chunk]);
    const p = c.current;
    if (!p) return; // nothing asked: ignore (the server should not send anything)
    let answer: ReturnType<typeof parseResponse>;
    try {
      answer = parseResponse(c.received);
    } catch (e) {
      onClose(c, e);
      c.socket?.end();
      return;
    }
    if (!answer) return;
    c.current = undefined;
    c.received = new Uint8Array(0);
    if (answer.close) {
      c.closed = true;
      open--;
      c.socket?.end();
    }
    p.resolve(answer);
    if (!c.closed) release(c);
    else next();
  }

  function onClose(c: Connection, error: unknown): void {
    if (!c.closed) {
      c.closed = true;
      open--;
    }
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    const p = c.current;
    c.current = undefined;
    p?.reject(error);
    next();
  }

  /** A connection is free: the next waiting request takes it, or it waits idle. */
  function release(c: Connection): void {
    for (let p = waiting.shift(); p; p = waiting.shift()) {
      if (p.signal?.aborted) continue;
      return send(c, p);
    }
    // An idle connection does not keep the process alive.
    c.socket?.unref();
    idle.push(c);
  }

  /** Room for a connection: the next waiting request opens one. */
  function next(): void {
    while (waiting.length > 0 && open < MAX_CONNECTIONS) {
      const p = waiting.shift()!;
      if (!p.signal?.aborted) connect(p);
    }
  }

  return {
    request(host: string, path: string, headers: Record<string, string>, body: Uint8Array, signal?: AbortSignal): Promise<KeepAliveAnswer> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<KeepAliveAnswer>((resolve, reject) => {
        const p: Pending = { head: requestHead(host, path, headers, body.length), body, resolve, reject, signal };
        if (signal) {
          // The answer, if it comes, is read and dropped; the connection stays usable.
          const onAbort = () => reject(signal.reason);
          signal.addEventListener("abort", onAbort, { once: true });
          p.resolve = (r) => (signal.removeEventListener("abort", onAbort), resolve(r));
          p.reject = (e) => (signal.removeEventListener("abort", onAbort), reject(e));
        }
        const c = idle.pop();
        if (c) {
          c.socket?.ref();
          send(c, p);
        } else if (open < MAX_CONNECTIONS) connect(p);
        else waiting.push(p);
      });
    },
  };
}

/** Set by this client itself. */
const OWN_HEADERS = new Set(["host", "content-length", "connection", "transfer-encoding"]);

function requestHead(host: string, path: string, headers: Record<string, string>, length: number): Uint8Array {
  let head = `POST ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const name in headers) {
    if (OWN_HEADERS.has(name.toLowerCase())) continue;
    const line = `${name}: ${headers[name]}`;
    if (line.includes("\r") || line.includes("\n")) throw new TypeError(`Invalid header ${name}`);
    head += `${line}\r\n`;
  }
  head += `Content-Length: ${length}\r\n\r\n`;
  return encoder.encode(head);
}

/** A complete answer at the start of `bytes`, or undefined while more is needed. */
function parseResponse(bytes: Uint8Array): { status: number; headers: [string, string][]; body: Uint8Array; close: boolean } | undefined {
  for (let start = 0; ; ) {
    const end = indexOf(bytes, CRLF2, start);
    if (end < 0) return undefined;
    const lines = decoder.decode(bytes.subarray(start, end)).split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!)?.[1]);
    if (!Number.isInteger(status)) throw new TypeError(`Malformed HTTP response: ${lines[0]}`);
    const headers: [string, string][] = [];
    let length: number | undefined;
    let chunked = false;
    let close = lines[0]!.startsWith("HTTP/1.0");
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      const lower = name.toLowerCase();
      if (lower === "content-length") length = Number(value);
      else if (lower === "transfer-encoding") chunked = value.toLowerCase().includes("chunked");
      else if (lower === "connection") close = value.toLowerCase() === "close";
      headers.push([name, value]);
    }
    const bodyStart = end + CRLF2.length;
    // 1xx answers come before the real one.
    if (status < 200) {
      start = bodyStart;
      continue;
    }
    if (chunked) {
      const body = dechunk(bytes, bodyStart);
      return body && { status, headers, body, close };
    }
    // Without a length the body runs to the connection's end: not kept alive (the server closes it).
    if (length === undefined) length = status === 204 || status === 304 ? 0 : Number.NaN;
    if (Number.isNaN(length)) throw new TypeError("HTTP response without a length");
    if (bytes.length < bodyStart + length) return undefined;
    return { status, headers, body: bytes.slice(bodyStart, bodyStart + length), close };
  }
}

/** A chunked body starting at `at`, or undefined while incomplete. */
function dechunk(bytes: Uint8Array, at: number): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  for (;;) {
    const eol = indexOf(bytes, CRLF2.subarray(0, 2), at);
    if (eol < 0) return undefined;
    const size = Number.parseInt(decoder.decode(bytes.subarray(at, eol)).split(";")[0]!, 16);
    if (!Number.isInteger(size)) throw new TypeError("Malformed chunk size");
    if (size === 0) {
      // The last chunk, then trailers (none expected) up to an empty line.
      const after = eol + 2;
      if (bytes.length < after + 2) return undefined;
      const complete = (bytes[after] === 13 && bytes[after + 1] === 10) || indexOf(bytes, CRLF2, after) >= 0;
      return complete ? concatBytes(parts) : undefined;
    }
    if (bytes.length < eol + 2 + size + 2) return undefined;
    parts.push(bytes.slice(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  for (let i = bytes.indexOf(first, from); i >= 0 && i + needle.length <= bytes.length; i = bytes.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
