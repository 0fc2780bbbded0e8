/**
 * The fallback where sock_diag is missing (a kernel without inet_diag/udp_diag): the same
 * sockets from the text tables /proc/net/{tcp,tcp6,udp,udp6}. Slower (the kernel prints every
 * socket, connected ones included, and we filter), same answer.
 *
 * A line: `sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...`
 * with addresses as hex words in host byte order (`0100007F:1F90` is 127.0.0.1:8080 on x86_64).
 */
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { formatIPv4, formatIPv6, type InetSocket, type SocketKind, socketKindName } from "./inet-sockets.ts";

const LISTEN = 0x0a;
const CLOSE = 0x07;
const LITTLE_ENDIAN = endianness() === "LE";

/** The sockets of one kind from /proc/net (of `procRoot`, for tests); throws if the table cannot be read. */
export function procNetSockets(kind: SocketKind, procRoot = "/proc"): InetSocket[] {
  const path = `${procRoot}/net/${socketKindName(kind)}`;
  return parseProcNet(readFileSync(path, "utf8"), kind);
}

export function parseProcNet(text: string, kind: SocketKind): InetSocket[] {
  const wanted = kind.protocol === "udp" ? CLOSE : LISTEN;
  const out: InetSocket[] = [];
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    if (Number.parseInt(f[3]!, 16) !== wanted) continue;
    const [hexAddress, hexPort] = f[1]!.split(":");
    const port = Number.parseInt(hexPort ?? "", 16);
    const inode = Number(f[9]);
    if (!port || !inode || !hexAddress) continue;
    const bytes = addressBytes(hexAddress);
    const address = kind.family === "ipv6" ? formatIPv6(bytes) : formatIPv4(bytes);
    out.push({ ...kind, address, port, inode });
  }
  return out;
}

/** Hex 32-bit words in host order to bytes in network order. */
function addressBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let w = 0; w < hex.length / 8; w++) {
    for (let b = 0; b < 4; b++) {
      const value = Number.parseInt(hex.slice(w * 8 + b * 2, w * 8 + b * 2 + 2), 16);
      bytes[w * 4 + (LITTLE_ENDIAN ? 3 - b : b)] = value;
    }
  }
  return bytes;
}
