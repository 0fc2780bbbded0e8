/**
 * An HTTP server bound before the app that answers it exists. Masters and agents need their port
 * (port 0 in tests) to build their identity (MasterInfo, AgentInfo) before the app is built, so
 * they bind first and attach the app once ready; until then requests get 503. The app may upgrade
 * a request to a link (acceptWebSocketLink): the server carries its frames.
 */
import type { Server } from "bun";
import { type LinkSocketData, linkSocketHandlers } from "./link/websocket-link.ts";

type Fetch = (req: Request, server: Server<LinkSocketData>) => Response | Promise<Response> | undefined;

export interface LateBoundServer {
  server: Server<LinkSocketData>;
  port: number;
  /** Routes requests to `fetch` from now on (undefined once it upgraded the request). */
  attach(fetch: Fetch): void;
}

export function serveLateBound(options: { hostname: string; port: number; name: string }): LateBoundServer {
  let handler: Fetch | undefined;
  let server: Server<LinkSocketData>;
  try {
    server = Bun.serve<LinkSocketData>({
      hostname: options.hostname,
      port: options.port,
      // Event streams (SUBSCRIBE) may be quiet for long: no idle timeout.
      idleTimeout: 0,
      fetch: (req, srv) => (handler ? handler(req, srv) : new Response(`${options.name} is starting`, { status: 503 })),
      websocket: linkSocketHandlers,
    });
  } catch (e) {
    // Bun's own text ("EADDRNOTAVAIL: ..., listen") names neither the address nor the flags.
    throw new Error(`Failed to listen on ${options.hostname}:${options.port} (--ip, --port): ${(e as Error).message}`, { cause: e });
  }
  return {
    server,
    port: server.port!,
    attach(fetch) {
      handler = fetch;
    },
  };
}
