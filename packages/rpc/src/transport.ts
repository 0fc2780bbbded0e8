/**
 * Client transports for talking to a master or an agent: Connect protocol, binary messages, over
 * Bun's fetch (TCP, or a unix socket for plugins). Server streams arrive incrementally.
 */
import type { Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";

export interface TransportOptions {
  /** `http://host:port`; with `unixSocket`, only the path part matters. */
  baseUrl: string;
  unixSocket?: string;
  /** JSON instead of binary on the wire (debugging). */
  json?: boolean;
}

export function createTransport(options: TransportOptions): Transport {
  const socket = options.unixSocket;
  return createConnectTransport({
    baseUrl: options.baseUrl,
    useBinaryFormat: !options.json,
    fetch: socket
      ? (((input: string | URL | Request, init?: RequestInit) => fetch(input, { ...init, unix: socket } as BunFetchRequestInit)) as typeof fetch)
      : undefined,
  });
}

/** `host:port` (as Mesos flags write masters) or a URL -> `http://host:port`. */
export function toBaseUrl(address: string): string {
  const trimmed = address.trim().replace(/\/+$/, "");
  return /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
}
