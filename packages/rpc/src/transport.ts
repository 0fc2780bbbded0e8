/**
 * Client transports for talking to a master or an agent: Connect protocol, binary messages, over
 * Bun's fetch (TCP, or a unix socket for plugins). Server streams arrive incrementally.
 */
import type { Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { createBinaryConnectTransport, type StreamDecoders } from "./connect-client.ts";
import { createKeepAlivePost } from "./keep-alive-post.ts";

export interface TransportOptions {
  /** `http://host:port`; with `unixSocket`, only the path part matters. */
  baseUrl: string;
  unixSocket?: string;
  /** JSON instead of binary on the wire (debugging). */
  json?: boolean;
  /**
   * Unary calls over kept-alive connections of this transport's own (keep-alive-post.ts), not
   * Bun's fetch: for a client that sends many small calls, e.g. a framework's acknowledgements.
   */
  keepAlive?: boolean;
  /** Server streams' messages of these schemas read by these first (connect-client.ts). */
  decoders?: StreamDecoders;
}

export function createTransport(options: TransportOptions): Transport {
  const socket = options.unixSocket;
  const viaSocket = socket
    ? (((input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, unix: socket } as BunFetchRequestInit)) as typeof fetch)
    : undefined;
  const connectWeb = createConnectTransport({ baseUrl: options.baseUrl, useBinaryFormat: !options.json, fetch: viaSocket });
  // Binary unary and server-streaming calls without a deadline take the direct path (connect-client.ts).
  const post = options.keepAlive && !socket && options.baseUrl.startsWith("http://") ? createKeepAlivePost() : undefined;
  return options.json ? connectWeb : createBinaryConnectTransport(options.baseUrl, connectWeb, viaSocket, post, options.decoders);
}

/** `host:port` (as Mesos flags write masters) or a URL -> `http://host:port`. */
export function toBaseUrl(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, "");
  return /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
}
