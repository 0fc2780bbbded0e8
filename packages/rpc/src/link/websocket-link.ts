/**
 * A link over a WebSocket: binary frames, one per message. The accepting end is the server's own
 * Bun.serve (an upgrade on its port, see late-bound-server.ts); the dialing end is a WebSocket
 * client (websocket-client.ts, which writes the frames of a turn together), one TCP connection for
 * the link's whole life.
 *
 * The accepting end sends the frames a socket gets from one callback (one request, one message)
 * together, corked, once that callback and its microtasks are done: one write (one syscall, one
 * wake-up of the peer) instead of one per frame. An ACCEPT launching 20 tasks on an agent is 20
 * RunTask frames; each is still its own WebSocket message, in order. Not later than that (at the
 * end of the event loop's turn, setImmediate): a busy master's turn lasts tens of milliseconds,
 * and a RunTask or an acknowledgement waiting for it delays the task's next update by as much.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { MAX_REQUEST_BODY_BYTES } from "../request-limits.ts";
import type { LinkAcceptor, LinkDialer, LinkListener } from "./link.ts";
import { dialWebSocket, type WebSocketTarget, webSocketTarget } from "./websocket-client.ts";

/** The largest frame either end takes: as large as a request body may be (request-limits.ts). */
export const MAX_FRAME_BYTES = MAX_REQUEST_BODY_BYTES;

/** A socket's state on the server: who takes the link, then what hears it. */
export interface LinkSocketData {
  accept: LinkAcceptor;
  listener?: LinkListener;
  /** Frames sent by the current callback, not yet written. */
  outgoing?: Uint8Array[];
}

const encoder = new TextEncoder();

/** Sockets with frames waiting for the end of the current callback. */
const waiting = new Set<ServerWebSocket<LinkSocketData>>();

function sendSoon(ws: ServerWebSocket<LinkSocketData>, frame: Uint8Array): void {
  const outgoing = (ws.data.outgoing ??= []);
  outgoing.push(frame);
  if (outgoing.length > 1) return;
  if (waiting.size === 0) queueMicrotask(flushWaiting);
  waiting.add(ws);
}

function flushWaiting(): void {
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
        flush(ws);
        ws.close(code, reason);
      },
    });
  },
  message(ws, message) {
    ws.data.listener?.message(typeof message === "string" ? encoder.encode(message) : message);
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

/**
 * Dials `url` (`ws://host:port/path`) anew for every link: with this project's client
 * (websocket-client.ts: the frames of a turn in one write), Bun's for `wss://`.
 */
export function webSocketDialer(url: string): LinkDialer {
  if (url.startsWith("ws://")) {
    // Read once, at the first dial (where a bad URL is reported, as before).
    let target: WebSocketTarget | undefined;
    return (listener) => dialWebSocket((target ??= webSocketTarget(url)), listener, MAX_FRAME_BYTES);
  }
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
