/**
 * Client transports for talking to a master or an agent: Connect protocol, binary messages, over
 * Bun's fetch (TCP, or a unix socket for plugins). Server streams arrive incrementally.
 */
import type { Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { createBinaryConnectTransport } from "./connect-client.ts";

export interface TransportOptions {
  /** `http://host:port`; with `unixSocket`, only the path part matters. */
  baseUrl: string;
  unixSocket?: string;
  /** JSON instead of binary on the wire (debugging). */
  json?: boolean;
}

export function createTransport(options: TransportOptions): Transport {
  const socket = options.unixSocket;
  const viaSocket = socket
    ? (((input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, unix: socket } as BunFetchRequestInit)) as typeof fetch)
    : undefined;
  const connectWeb = createConnectTransport({ baseUrl: options.baseUrl, useBinaryFormat: !options.json, fetch: viaSocket });
  // Binary unary and server-streaming calls without a deadline take the direct path (connect-client.ts).
  return options.json ? connectWeb : createBinaryConnectTransport(options.baseUrl, connectWeb, viaSocket);
}

/** `host:port` (as Mesos flags write masters) or a URL -> `http://host:port`. */
export function toBaseUrl(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, "");
  return /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
}
