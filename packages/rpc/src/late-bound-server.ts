/**
 * An HTTP server bound before the app that answers it exists. Masters and agents need their port
 * (port 0 in tests) to build their identity (MasterInfo, AgentInfo) before the app is built, so
 * they bind first and attach the app once ready; until then requests get 503. The app may upgrade
 * a request to a link (acceptWebSocketLink): the server carries its frames. A WebSocket upgrade
 * (a link) that comes before the app waits for it instead: 10,000 agents redialing a restarted
 * master reached it in the second or two it took to load its registry, and each agent answered
 * 503 doubled its backoff (Mesos's, for a master that is there but does not answer), the last
 * of them coming back up to 8 s after the master was ready.
 *
 * `listeners` > 1 binds that many sockets to the port (SO_REUSEPORT; the kernel spreads new
 * connections over them): Bun.serve's accept queue holds 512 connections, and 10,000 agents
 * reconnecting to a restarted master overflowed it, the kernel dropping their SYNs so that they
 * waited out TCP's retries (1, 3, 7, 15 s...) while the master idled. Eight of them (4,096, as
 * Mesos's one socket with SOMAXCONN) still dropped 1,500-8,000 connections of 10,000 agents
 * coming back within a second, the last of them back seconds after the others; a master uses 32
 * (16,384; the kernel spreads connections over them by hash, unevenly, so room for the average is
 * not enough).
 */
import type { Server } from "bun";
import { type LinkSocketData, linkSocketHandlers } from "./link/websocket-link.ts";

type Fetch = (req: Request, server: Server<LinkSocketData>) => Response | Promise<Response> | undefined;

export interface LateBoundServer {
  /** The first of its listeners (they share the port and the handler). */
  server: Server<LinkSocketData>;
  port: number;
  /** Routes requests to `fetch` from now on (undefined once it upgraded the request). */
  attach(fetch: Fetch): void;
  /** Stops every listener (`closeActive`: ends the connections too). */
  stop(closeActive?: boolean): Promise<void>;
}

export function serveLateBound(options: { hostname: string; port: number; name: string; listeners?: number }): LateBoundServer {
  let handler: Fetch | undefined;
  /** Resolves when the app attaches (or the server stops without one: the waiting links get the 503). */
  const attached = Promise.withResolvers<void>();
  const starting = () => new Response(`${options.name} is starting`, { status: 503 });
  const listeners = Math.max(1, options.listeners ?? 1);
  const serve = (port: number, reusePort: boolean) =>
    Bun.serve<LinkSocketData>({
      hostname: options.hostname,
      port,
      reusePort,
      // Event streams (SUBSCRIBE) may be quiet for long: no idle timeout.
      idleTimeout: 0,
      fetch: (req, srv) => {
        if (handler) return handler(req, srv);
        if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return starting();
        return attached.promise.then(() => (handler ? handler(req, srv) : starting()));
      },
      websocket: linkSocketHandlers,
    });
  const servers: Server<LinkSocketData>[] = [];
  try {
    // A port another process listens on is an error, reusePort or not: a plain socket finds out.
    if (listeners > 1 && options.port !== 0) serve(options.port, false).stop(true);
    servers.push(serve(options.port, listeners > 1));
    while (servers.length < listeners) servers.push(serve(servers[0]!.port!, true));
  } catch (e) {
    for (const s of servers) s.stop(true);
    // Bun's own text ("EADDRNOTAVAIL: ..., listen") names neither the address nor the flags.
    throw new Error(`Failed to listen on ${options.hostname}:${options.port} (--ip, --port): ${(e as Error).message}`, { cause: e });
  }
  return {
    server: servers[0]!,
    port: servers[0]!.port!,
    attach(fetch) {
      handler = fetch;
      attached.resolve();
    },
    async stop(closeActive) {
      attached.resolve();
      await Promise.all(servers.map((s) => s.stop(closeActive)));
    },
  };
}
