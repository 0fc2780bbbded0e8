/**
 * A link over a WebSocket: binary frames, one per message. The accepting end is the server's own
 * Bun.serve (an upgrade on its port, see late-bound-server.ts); the dialing end is Bun's WebSocket
 * client, one TCP connection for the link's whole life.
 *
 * The accepting end writes a socket's frames together, corked (one syscall, one wake-up of the
 * peer), once the oldest of them has waited MAX_WAIT_MS, checked after each callback that sent a
 * frame or heard one or served a request, and at the end of the event loop's turn (setImmediate)
 * at the latest. Each
 * frame is still its own WebSocket message, in order. An ACCEPT launching 20 tasks on an agent is
 * 20 RunTask frames of one callback; a framework acknowledges an agent's tasks' updates in runs of
 * calls, each its own request, and their acknowledgement frames to that agent now share writes:
 * written per callback, each was its own syscall (sendBinary was a tenth of the master's CPU under
 * master-throughput). Not simply at the end of the turn: a busy master's turn can last 0.1-0.4 s,
 * and a frame waiting for it delays the agent's next update by as much (an agent sends a task's
 * next update once the last one is acknowledged); that build launched fewer tasks (README).
 */
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { MAX_REQUEST_BODY_BYTES } from "../request-limits.ts";
import type { LinkAcceptor, LinkDialer, LinkListener } from "./link.ts";

/** The largest frame either end takes: as large as a request body may be (request-limits.ts). */
export const MAX_FRAME_BYTES = MAX_REQUEST_BODY_BYTES;

/** A socket's state on the server: who takes the link, then what hears it. */
export interface LinkSocketData {
  accept: LinkAcceptor;
  listener?: LinkListener;
  /** Frames sent, not yet written. */
  outgoing?: Uint8Array[];
  /** When the first of them was sent (performance.now()). */
  waitingSince?: number;
}

const encoder = new TextEncoder();

/** How long a frame may wait for others to the same socket, unless the turn ends first. */
const MAX_WAIT_MS = 2;

/** Sockets with frames waiting, the longest waiting first. */
const waiting = new Set<ServerWebSocket<LinkSocketData>>();
let checkQueued = false;
let endOfTurnQueued = false;

function sendSoon(ws: ServerWebSocket<LinkSocketData>, frame: Uint8Array): void {
  const outgoing = (ws.data.outgoing ??= []);
  outgoing.push(frame);
  if (outgoing.length === 1) {
    ws.data.waitingSince = performance.now();
    waiting.add(ws);
  }
  queueCheck();
  if (!endOfTurnQueued) {
    endOfTurnQueued = true;
    setImmediate(flushAll);
  }
}

/**
 * Checks for overdue frames once the current callback and its microtasks are done. The server
 * calls it for each HTTP request too (`checkLinkWrites`), so that frames do not wait through a run
 * of requests that send none.
 */
function queueCheck(): void {
  if (checkQueued || waiting.size === 0) return;
  checkQueued = true;
  queueMicrotask(flushOverdue);
}

export const checkLinkWrites = queueCheck;

function flushOverdue(): void {
  checkQueued = false;
  const due = performance.now() - MAX_WAIT_MS;
  for (const ws of waiting) {
    if (ws.data.waitingSince! > due) return;
    waiting.delete(ws);
    flush(ws);
  }
}

function flushAll(): void {
  endOfTurnQueued = false;
  const sockets = [...waiting];
  waiting.clear();
  for (const ws of sockets) flush(ws);
}

/** Writes the socket's waiting frames at once (a closed socket drops them, as it would have one by one). */
function flush(ws: ServerWebSocket<LinkSocketData>): void {
  const frames = ws.data.outgoing;
  if (!frames || frames.length === 0) return;
  ws.data.outgoing = [];
  if (frames.length === 1) return void ws.sendBinary(frames[0]!);
  ws.cork(() => {
    for (const frame of frames) ws.sendBinary(frame);
  });
}

/** The server's WebSocket handlers: each socket's own acceptor (its `data`) takes it. */
export const linkSocketHandlers: WebSocketHandler<LinkSocketData> = {
  // Bun closes the socket on a larger frame (1009, "Received too big message") before it is buffered whole.
  maxPayloadLength: MAX_FRAME_BYTES,
  // Liveness is the link's own business (the master's pings): a quiet link stays open.
  idleTimeout: 0,
  sendPings: false,
  // A peer that stops reading is dropped rather than sent to without end (it reconnects and is told again).
  closeOnBackpressureLimit: true,
  open(ws) {
    ws.data.listener = ws.data.accept({
      send: (frame) => sendSoon(ws, frame),
      // What was sent before the close goes first.
      close: (code, reason) => {
        waiting.delete(ws);
        flush(ws);
        ws.close(code, reason);
      },
    });
  },
  message(ws, message) {
    ws.data.listener?.message(typeof message === "string" ? encoder.encode(message) : message);
    queueCheck();
  },
  close(ws, code, reason) {
    waiting.delete(ws);
    ws.data.outgoing = undefined;
    ws.data.listener?.close(code, reason);
  },
};

/** Upgrades `req` to a link that `accept` takes; false if it is not a WebSocket handshake. */
export function acceptWebSocketLink(server: Server<LinkSocketData>, req: Request, accept: LinkAcceptor): boolean {
  return server.upgrade(req, { data: { accept } });
}

/** Dials `url` (`ws://host:port/path`) anew for every link. */
export function webSocketDialer(url: string): LinkDialer {
  return (listener) => {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    let cause: unknown;
    ws.onopen = () => listener.open?.();
    ws.onmessage = (e) => listener.message(new Uint8Array(e.data as ArrayBuffer));
    // Bun's error event carries the failure (`error.code`, e.g. ECONNREFUSED); the close event follows.
    ws.onerror = (e) => (cause = (e as ErrorEvent).error ?? cause);
    ws.onclose = (e) => listener.close(e.code, e.reason, cause);
    return {
      send: (frame) => ws.readyState === WebSocket.OPEN && ws.send(frame),
      close: (code, reason) => ws.close(code, reason),
    };
  };
}
