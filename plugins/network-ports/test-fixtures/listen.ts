/**
 * A test program that listens: `bun listen.ts SPEC...`, SPEC = `tcp|tcp6|udp|udp6:ADDRESS:PORT`
 * (IPv6 sockets are IPv6-only). Prints `listening <epoch ms>` once every socket is bound, then waits to be
 * killed; exits 1 with the error if one cannot be bound.
 */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

async function bind(spec: string): Promise<void> {
  const first = spec.indexOf(":");
  const last = spec.lastIndexOf(":");
  const kind = spec.slice(0, first);
  const host = spec.slice(first + 1, last);
  const port = Number(spec.slice(last + 1));
  if (kind === "tcp" || kind === "tcp6") {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen({ host, port, ipv6Only: kind === "tcp6" }, resolve));
  } else if (kind === "udp" || kind === "udp6") {
    const socket = createSocket({ type: kind === "udp6" ? "udp6" : "udp4", ipv6Only: kind === "udp6" });
    await new Promise<void>((resolve, reject) => socket.once("error", reject).bind(port, host, resolve));
  } else {
    throw new Error(`bad socket spec '${spec}' (expected tcp|tcp6|udp|udp6:ADDRESS:PORT)`);
  }
}

try {
  for (const spec of process.argv.slice(2)) await bind(spec);
  console.log(`listening ${Date.now()}`);
  setInterval(() => {}, 1 << 30);
} catch (e) {
  console.error(`listen: ${(e as Error).message}`);
  process.exit(1);
}
