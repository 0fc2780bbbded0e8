/**
 * The dialing end of a link's WebSocket (an RFC 6455 client) on a TCP socket of its own
 * (Bun.connect). Bun's WebSocket client writes every message with a system call of its own (and
 * the master wakes up to read each): an agent's status updates are three a task, and an ACCEPT
 * launching 20 tasks on it is 20 STARTING updates at once. Here the frames sent in one turn of
 * the event loop leave together, in one write, at the turn's end (setImmediate), as the accepting
 * end corks its own (websocket-link.ts). Each is still its own WebSocket message, in order.
 *
 * A frame is read when it is written, not when `send` is called: a caller does not change a frame
 * it has sent. ws:// only (the dialer keeps Bun's client for wss://); no extensions, no subprotocol.
 */
import { randomBytes } from "node:crypto";
import type { Socket } from "bun";
import type { LinkEnd, LinkListener } from "./link.ts";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const EMPTY: Uint8Array = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** Close codes this end reports (RFC 6455 §7.4.1). */
const NO_STATUS = 1005;
const ABNORMAL = 1006;
const PROTOCOL_ERROR = 1002;
const TOO_BIG = 1009;

/** How long a close this end started waits for the server's answer before dropping the connection. */
const CLOSE_WAIT_MS = 1000;

/** A frame to write: its opcode and payload (masked as it is written). */
interface Outgoing {
  opcode: number;
  payload: Uint8Array;
}

/** Links with frames waiting for the end of this turn. */
const waiting = new Set<{ flush(): void }>();

function flushWaiting(): void {
  const links = [...waiting];
  waiting.clear();
  for (const link of links) link.flush();
}

/** Mask keys come from a pool of random bytes, refilled when used up (RFC 6455 §5.3: unpredictable keys). */
let maskPool: Uint8Array = EMPTY;
let maskAt = 0;
function maskKey(out: Uint8Array, at: number): void {
  if (maskAt + 4 > maskPool.length) {
    maskPool = new Uint8Array(randomBytes(4096));
    maskAt = 0;
  }
  out.set(maskPool.subarray(maskAt, maskAt + 4), at);
  maskAt += 4;
}

const headerSize = (length: number) => 2 + (length < 126 ? 0 : length <= 0xffff ? 2 : 8) + 4;

/** Writes one masked frame at `at`; returns where the next goes. */
function writeFrame(out: Uint8Array, at: number, frame: Outgoing): number {
  const { opcode, payload } = frame;
  const length = payload.length;
  out[at++] = 0x80 | opcode;
  if (length < 126) {
    out[at++] = 0x80 | length;
  } else if (length <= 0xffff) {
    out[at++] = 0x80 | 126;
    out[at++] = length >>> 8;
    out[at++] = length & 0xff;
  } else {
    out[at++] = 0x80 | 127;
    // Frames are far below 2^32 bytes (MAX_FRAME_BYTES): the high four bytes are zero.
    out.fill(0, at, at + 4);
    at += 4;
    out[at++] = length >>> 24;
    out[at++] = (length >>> 16) & 0xff;
    out[at++] = (length >>> 8) & 0xff;
    out[at++] = length & 0xff;
  }
  maskKey(out, at);
  const m0 = out[at]!;
  const m1 = out[at + 1]!;
  const m2 = out[at + 2]!;
  const m3 = out[at + 3]!;
  at += 4;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    out[at + i] = payload[i]! ^ m0;
    out[at + i + 1] = payload[i + 1]! ^ m1;
    out[at + i + 2] = payload[i + 2]! ^ m2;
    out[at + i + 3] = payload[i + 3]! ^ m3;
  }
  for (; i < length; i++) out[at + i] = payload[i]! ^ out[at - 4 + (i & 3)]!;
  return at + length;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The index of `\r\n\r\n` in `bytes`, or -1. */
function headEnd(bytes: Uint8Array): number {
  for (let i = bytes.indexOf(13); i >= 0 && i + 3 < bytes.length; i = bytes.indexOf(13, i + 1)) {
    if (bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/** An error with a code, as Bun's WebSocket client reports a failed dial (`error.code`). */
function failure(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Where a dial goes, read once from its URL (a dialer dials the same one again and again). */
export interface WebSocketTarget {
  hostname: string;
  port: number;
  /** The upgrade request up to its key. */
  head: string;
}

/** The target of `url` (`ws://host:port/path`). */
export function webSocketTarget(url: string): WebSocketTarget {
  const target = new URL(url);
  if (target.protocol !== "ws:") throw new TypeError(`Only ws:// URLs: ${url}`);
  return {
    hostname: target.hostname.replace(/^\[|\]$/g, ""),
    port: Number(target.port || 80),
    head: `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: `,
  };
}

/**
 * Dials `url` (`ws://host:port/path`, or its target): `listener` hears the server; the answer talks
 * to it. `connect` is Bun.connect (a test counts the writes through it).
 */
export function dialWebSocket(
  url: string | WebSocketTarget,
  listener: LinkListener,
  maxFrameBytes: number,
  connect: typeof Bun.connect = Bun.connect,
): LinkEnd {
  const target = typeof url === "string" ? webSocketTarget(url) : url;
  /** The handshake's key and the answer it expects, made once connected (a refused dial, many while a master restarts, needs neither). */
  let accept = "";

  let socket: Socket<undefined> | undefined;
  /** connecting -> upgrading (handshake sent) -> open -> closing (a close frame sent) -> closed. */
  let state: "connecting" | "upgrading" | "open" | "closing" | "closed" = "connecting";
  let received: Uint8Array = EMPTY;
  let outgoing: Outgoing[] = [];
  /** Bytes the socket did not take yet (written on drain, before anything newer). */
  let unsent: Uint8Array | undefined;
  /** A message arriving in pieces (continuation frames) so far. */
  let fragments: Uint8Array[] | undefined;
  /** What the close reports: the server's close frame, or ours if it never answers. */
  let closing: { code: number; reason: string } | undefined;
  let cause: unknown;
  let reported = false;
  /** The server sent something unreadable: what follows is dropped. */
  let unreadable = false;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  const link = { flush };

  /** Reports the close once, and lets the connection go. */
  function report(code: number, reason: string, why?: unknown): void {
    if (reported) return;
    reported = true;
    state = "closed";
    waiting.delete(link);
    outgoing = [];
    if (closeTimer) clearTimeout(closeTimer);
    socket?.end();
    listener.close(code, reason, why);
  }

  function queue(opcode: number, payload: Uint8Array): void {
    outgoing.push({ opcode, payload });
    if (waiting.size === 0) setImmediate(flushWaiting);
    waiting.add(link);
  }

  function flush(): void {
    waiting.delete(link);
    if (!socket || outgoing.length === 0) return;
    let size = 0;
    for (const f of outgoing) size += headerSize(f.payload.length) + f.payload.length;
    const out = new Uint8Array(size);
    let at = 0;
    for (const f of outgoing) at = writeFrame(out, at, f);
    outgoing = [];
    write(out);
  }

  function write(bytes: Uint8Array): void {
    if (!socket) return;
    if (unsent) {
      unsent = concat(unsent, bytes);
      return;
    }
    const n = socket.write(bytes);
    if (n < bytes.length) unsent = bytes.subarray(Math.max(0, n));
  }

  /** Closes with a close frame (once), then waits a little for the server's. */
  function startClose(code: number, reason: string): void {
    if (state === "closing" || state === "closed") return;
    closing = { code, reason };
    if (state !== "open") {
      // Nothing to say a close frame to: the dial is dropped.
      report(code, reason, cause);
      return;
    }
    state = "closing";
    const text = encoder.encode(reason);
    const payload = new Uint8Array(2 + text.length);
    payload[0] = code >>> 8;
    payload[1] = code & 0xff;
    payload.set(text, 2);
    queue(OP_CLOSE, payload);
    flush();
    closeTimer = setTimeout(() => report(code, reason), CLOSE_WAIT_MS);
    closeTimer.unref?.();
  }

  /** What the server sent cannot be read: nothing more of it is, and the link closes. */
  function protocolError(message: string, code = PROTOCOL_ERROR): void {
    cause ??= failure(message, "EPROTO");
    unreadable = true;
    received = EMPTY;
    if (state === "open") startClose(code, message);
    else if (state !== "closing") report(ABNORMAL, "", cause);
  }

  function onHandshake(): void {
    const end = headEnd(received);
    if (end < 0) {
      if (received.length > 16 * 1024) protocolError("The upgrade's answer has no end");
      return;
    }
    const lines = decoder.decode(received.subarray(0, end)).split("\r\n");
    received = received.subarray(end + 4);
    const status = /^HTTP\/1\.1 (\d{3})/.exec(lines[0]!)?.[1];
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    if (status !== "101") return protocolError(`Expected 101 status code, got ${status ?? lines[0]}`);
    if (headers.get("upgrade")?.toLowerCase() !== "websocket" || headers.get("sec-websocket-accept") !== accept) {
      return protocolError("The server's upgrade answer is not a WebSocket's");
    }
    state = "open";
    listener.open?.();
    onFrames();
  }

  /** Reads the complete frames at the front of `received`. */
  function onFrames(): void {
    let at = 0;
    while (state === "open" || state === "closing") {
      const available = received.length - at;
      if (available < 2) break;
      const b0 = received[at]!;
      const b1 = received[at + 1]!;
      let length = b1 & 0x7f;
      let head = 2;
      if (length === 126) {
        if (available < 4) break;
        length = (received[at + 2]! << 8) | received[at + 3]!;
        head = 4;
      } else if (length === 127) {
        if (available < 10) break;
        const high = ((received[at + 2]! << 24) | (received[at + 3]! << 16) | (received[at + 4]! << 8) | received[at + 5]!) >>> 0;
        const low = ((received[at + 6]! << 24) | (received[at + 7]! << 16) | (received[at + 8]! << 8) | received[at + 9]!) >>> 0;
        length = high * 2 ** 32 + low;
        head = 10;
      }
      if ((b1 & 0x80) !== 0) return protocolError("The server masked a frame");
      if ((b0 & 0x70) !== 0) return protocolError("A frame with reserved bits set (no extension was agreed)");
      const opcode = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      const buffered = fragments?.reduce((n, f) => n + f.length, 0) ?? 0;
      if (length + buffered > maxFrameBytes) return protocolError("Received too big message", TOO_BIG);
      if (available < head + length) break;
      const payload = received.slice(at + head, at + head + length);
      at += head + length;
      if (opcode >= OP_CLOSE) {
        if (!fin || length > 125) return protocolError("A control frame in pieces or over 125 bytes");
        if (opcode === OP_PING) {
          if (state === "open") {
            queue(OP_PONG, payload);
            flush();
          }
        } else if (opcode === OP_CLOSE) {
          received = EMPTY;
          // The answer to a close this end started: reported as that close.
          if (closing) return report(closing.code, closing.reason);
          // The server's: answered with the same code (RFC 6455 §5.5.1).
          state = "closing";
          queue(OP_CLOSE, payload.subarray(0, Math.min(2, length)));
          flush();
          const code = length >= 2 ? (payload[0]! << 8) | payload[1]! : NO_STATUS;
          return report(code, length > 2 ? decoder.decode(payload.subarray(2)) : "");
        } else if (opcode !== OP_PONG) {
          return protocolError(`Unknown opcode ${opcode}`);
        }
        continue;
      }
      if (opcode === OP_CONTINUATION) {
        if (!fragments) return protocolError("A continuation frame without a message");
        fragments.push(payload);
        if (!fin) continue;
        const whole = fragments.reduce(concat, EMPTY);
        fragments = undefined;
        deliver(whole);
      } else if (opcode === OP_BINARY || opcode === OP_TEXT) {
        if (fragments) return protocolError("A new message before the last one ended");
        if (fin) deliver(payload);
        else fragments = [payload];
      } else {
        return protocolError(`Unknown opcode ${opcode}`);
      }
    }
    received = at === received.length ? EMPTY : received.subarray(at);
  }

  /** Hands a message over; one that throws does not break the link (as an event handler's would not). */
  function deliver(message: Uint8Array): void {
    if (state !== "open") return;
    try {
      listener.message(message);
    } catch (e) {
      queueMicrotask(() => {
        throw e;
      });
    }
  }

  connect({
    hostname: target.hostname,
    port: target.port,
    socket: {
      open(s) {
        if (state === "closed") return void s.end();
        socket = s;
        // No setNoDelay: Bun's sockets have TCP_NODELAY from the start (another system call a dial).
        state = "upgrading";
        const key = randomBytes(16).toString("base64");
        accept = new Bun.CryptoHasher("sha1").update(key + GUID).digest("base64");
        write(encoder.encode(`${target.head}${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
      },
      data(_s, chunk) {
        if (state === "closed" || unreadable) return;
        received = concat(received, new Uint8Array(chunk));
        if (state === "upgrading") onHandshake();
        else onFrames();
      },
      drain(s) {
        const rest = unsent;
        unsent = undefined;
        if (!rest) return;
        const n = s.write(rest);
        if (n < rest.length) unsent = rest.subarray(Math.max(0, n));
      },
      close() {
        if (closing) report(closing.code, closing.reason);
        else report(ABNORMAL, "", cause);
      },
      error(_s, e) {
        cause ??= e;
      },
      connectError(_s, e) {
        cause ??= e;
        report(ABNORMAL, "", e);
      },
    },
  }).catch((e) => {
    cause ??= e;
    report(ABNORMAL, "", e);
  });

  return {
    send(frame) {
      if (state === "open") queue(OP_BINARY, frame);
    },
    close(code, reason) {
      startClose(code, reason);
    },
  };
}
