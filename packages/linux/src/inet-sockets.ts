/**
 * What the agent needs to know about a host's IP sockets: which listen (TCP LISTEN, bound and
 * unconnected UDP), on which address and port, and the socket's inode, which is how a process's
 * file descriptors name it (`/proc/PID/fd/N -> socket:[INODE]`).
 */

export type SocketFamily = "ipv4" | "ipv6";
export type SocketProtocol = "tcp" | "udp";

/** One kind of socket to list: a protocol in an address family. */
export interface SocketKind {
  family: SocketFamily;
  protocol: SocketProtocol;
}

export interface InetSocket extends SocketKind {
  /** The local address, e.g. `0.0.0.0`, `127.0.0.1`, `::`, `::1`. */
  address: string;
  port: number;
  inode: number;
}

export const ALL_SOCKET_KINDS: readonly SocketKind[] = [
  { family: "ipv4", protocol: "tcp" },
  { family: "ipv6", protocol: "tcp" },
  { family: "ipv4", protocol: "udp" },
  { family: "ipv6", protocol: "udp" },
];

export function socketKindName(kind: SocketKind): string {
  return `${kind.protocol}${kind.family === "ipv6" ? "6" : ""}`;
}

/** `127.0.0.1:8080`, `[::1]:8080`. */
export function formatEndpoint(s: Pick<InetSocket, "family" | "address" | "port">): string {
  return s.family === "ipv6" ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

/** Four bytes in network order as a dotted quad. */
export function formatIPv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** Sixteen bytes in network order, as RFC 5952 writes them (longest zero run as `::`; IPv4-mapped as `::ffff:a.b.c.d`). */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${formatIPv4(bytes.subarray(12))}`;
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
