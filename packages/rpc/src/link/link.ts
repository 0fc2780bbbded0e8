/**
 * A link: one long-lived, ordered, two-way connection carrying binary frames (the agent <-> master
 * link). A WebSocket carries it between processes (websocket-link.ts); tests join the two ends in
 * memory (in-memory-link.ts). One side dials, the other accepts; each end hears the other through
 * a LinkListener and talks to it through a LinkEnd.
 */

/** Where a master accepts its agents' links (a WebSocket upgrade on its own port). */
export const AGENT_LINK_PATH = "/agent-link";

/** The far end, as seen from one end: send it a frame, or close the link. */
export interface LinkEnd {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** What one end hears from the other. `close` comes once, last; `cause` tells why a dial failed (e.g. `{ code: "ECONNREFUSED" }`). */
export interface LinkListener {
  open?(): void;
  message(frame: Uint8Array): void;
  close(code: number, reason: string, cause?: unknown): void;
}

/** Opens a link: `listener` hears the accepting end; the answer talks to it. */
export type LinkDialer = (listener: LinkListener) => LinkEnd;

/** Takes a dialed link: given the end that talks to the dialer, answers what hears it. */
export type LinkAcceptor = (toDialer: LinkEnd) => LinkListener;

/** Close codes (RFC 6455 §7.4.1), the same on every transport. */
export const LinkClose = {
  /** A deliberate close: the master replaced or dropped the link, or an end stopped. */
  NORMAL: 1000,
  /** A frame that does not decode. */
  INVALID_FRAME: 1007,
  /** A frame over MAX_FRAME_BYTES. */
  TOO_BIG: 1009,
  /** The accepting end failed the request (the reason says why); the dialer may try again. */
  ERROR: 1011,
  /** Not now: e.g. this master does not lead (the reason names the leader). */
  TRY_AGAIN_LATER: 1013,
} as const;

/** A close reason fits in 123 bytes of UTF-8 (RFC 6455 §5.5): longer texts are cut. */
export function closeReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= 123) return text;
  return new TextDecoder().decode(bytes.subarray(0, 120)).replace(/\uFFFD$/, "") + "...";
}
