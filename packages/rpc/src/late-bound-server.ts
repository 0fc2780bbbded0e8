/**
 * An HTTP server bound before the app that answers it exists. Masters and agents need their port
 * (port 0 in tests) to build their identity (MasterInfo, AgentInfo) before the app is built, so
 * they bind first and attach the app once ready; until then requests get 503.
 */
import type { Server } from "bun";

export interface LateBoundServer {
  server: Server<undefined>;
  port: number;
  /** Routes requests to `fetch` from now on. */
  attach(fetch: (req: Request, server: Server<undefined>) => Response | Promise<Response>): void;
}

export function serveLateBound(options: { hostname: string; port: number; name: string }): LateBoundServer {
  let handler: ((req: Request, server: Server<undefined>) => Response | Promise<Response>) | undefined;
  let server: Server<undefined>;
  try {
    server = Bun.serve({
      hostname: options.hostname,
      port: options.port,
      // Event streams (SUBSCRIBE, agent links) may be quiet for long: no idle timeout.
      idleTimeout: 0,
      fetch: (req, srv) => (handler ? handler(req, srv) : new Response(`${options.name} is starting`, { status: 503 })),
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
