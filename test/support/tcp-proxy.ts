/**
 * A TCP proxy a test can cut: everything sent to its port goes to the target until `cut()`, which
 * drops every open connection and refuses new ones (a network partition: both processes live on);
 * `heal()` lets connections through again.
 */
import type { Socket } from "bun";

export interface TcpProxy {
  port: number;
  cut(): void;
  heal(): void;
  stop(): void;
}

/** One side of a proxied connection: a socket and what could not be written to it yet. */
interface Side {
  socket?: Socket<Side>;
  backlog: Uint8Array[];
  peer?: Side;
  pair: Set<Side>;
}

/** Writes what the socket takes now; the rest waits for `drain` (Bun's write does not buffer). */
function flush(side: Side): void {
  const socket = side.socket;
  if (!socket) return;
  while (side.backlog.length > 0) {
    const chunk = side.backlog[0]!;
    const written = socket.write(chunk);
    if (written < chunk.length) {
      side.backlog[0] = chunk.subarray(Math.max(0, written));
      return;
    }
    side.backlog.shift();
  }
}

function send(side: Side | undefined, chunk: Uint8Array): void {
  if (!side) return;
  side.backlog.push(new Uint8Array(chunk));
  flush(side);
}

export function startTcpProxy(targetPort: number, host = "127.0.0.1"): TcpProxy {
  let open = true;
  const connections = new Set<Set<Side>>();
  const drop = (pair: Set<Side>) => {
    connections.delete(pair);
    for (const side of pair) side.socket?.end();
  };
  const handlers = {
    data: (socket: Socket<Side>, chunk: Uint8Array) => send(socket.data.peer, chunk),
    drain: (socket: Socket<Side>) => flush(socket.data),
    // A connection refused while cut never got sides.
    close: (socket: Socket<Side>) => socket.data && drop(socket.data.pair),
    error: (socket: Socket<Side>) => socket.data && drop(socket.data.pair),
  };
  const server = Bun.listen<Side>({
    hostname: host,
    port: 0,
    socket: {
      open(socket) {
        if (!open) {
          socket.end();
          return;
        }
        const pair = new Set<Side>();
        const client: Side = { socket, backlog: [], pair };
        const upstream: Side = { backlog: [], pair, peer: client };
        client.peer = upstream;
        pair.add(client).add(upstream);
        socket.data = client;
        connections.add(pair);
        void Bun.connect<Side>({
          hostname: host,
          port: targetPort,
          socket: {
            ...handlers,
            open(s) {
              s.data = upstream;
              upstream.socket = s;
              flush(upstream);
            },
          },
        }).catch(() => drop(pair));
      },
      ...handlers,
    },
  });
  return {
    port: server.port,
    cut() {
      open = false;
      for (const pair of [...connections]) drop(pair);
    },
    heal() {
      open = true;
    },
    stop() {
      this.cut();
      server.stop(true);
    },
  };
}
