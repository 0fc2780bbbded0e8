/**
 * The kernel's sock_diag netlink interface (what `ss` uses): one dump request per (family,
 * protocol) on a NETLINK_SOCK_DIAG socket, answered with an `inet_diag_msg` per socket. It is
 * cheaper and more exact than parsing /proc/net/* (the kernel filters by state; no text).
 *
 * Which sockets: TCP in state LISTEN; UDP in state CLOSE, i.e. bound but not connected, which is
 * how a UDP server waits (a connected UDP socket is a client's: glibc's resolver connects its
 * queries). Sockets of the caller's network namespace only.
 */
import { ptr } from "bun:ffi";
import { LinuxCallError } from "./errno.ts";
import { errno, libc } from "./libc.ts";
import { formatIPv4, formatIPv6, type InetSocket, type SocketKind, socketKindName } from "./inet-sockets.ts";

const AF_NETLINK = 16;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const TCP_LISTEN = 10;
const TCP_CLOSE = 7;
const SOL_SOCKET = 1;
const SO_RCVTIMEO = 20;
const EINTR = 4;

const NLMSG_HEADER = 16;
/** struct inet_diag_msg: family, state, timer, retrans, inet_diag_sockid (48), expires, rqueue, wqueue, uid, inode. */
const INET_DIAG_MSG = 72;
const RECV_BUFFER = 64 * 1024;

let sequence = 0;

/** A netlink socket for dumps; close it when done. */
export interface SockDiagSocket {
  dump(kind: SocketKind): InetSocket[];
  close(): void;
}

/** Opens a NETLINK_SOCK_DIAG socket (throws LinuxCallError where the kernel has none). */
export function openSockDiag(): SockDiagSocket {
  const c = libc();
  const fd = c.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) throw new LinuxCallError("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno());
  // A dump is answered at once; the timeout only guards against a kernel that never answers.
  const timeval = new BigInt64Array([2n, 0n]);
  c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, ptr(timeval), 16);
  const buffer = new Uint8Array(RECV_BUFFER);
  let closed = false;
  return {
    dump(kind) {
      if (closed) throw new Error("sock_diag socket is closed");
      return dump(fd, buffer, kind);
    },
    close() {
      if (!closed) c.close(fd);
      closed = true;
    },
  };
}

function request(kind: SocketKind, seq: number): Uint8Array {
  const bytes = new Uint8Array(NLMSG_HEADER + 56);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, bytes.length, true);
  view.setUint16(4, SOCK_DIAG_BY_FAMILY, true);
  view.setUint16(6, NLM_F_REQUEST | NLM_F_DUMP, true);
  view.setUint32(8, seq, true);
  // struct inet_diag_req_v2: sdiag_family, sdiag_protocol, idiag_ext, pad, idiag_states, id (all zero: any).
  bytes[16] = kind.family === "ipv6" ? AF_INET6 : AF_INET;
  bytes[17] = kind.protocol === "udp" ? IPPROTO_UDP : IPPROTO_TCP;
  view.setUint32(20, 1 << (kind.protocol === "udp" ? TCP_CLOSE : TCP_LISTEN), true);
  return bytes;
}

function dump(fd: number, buffer: Uint8Array, kind: SocketKind): InetSocket[] {
  const c = libc();
  const what = `sock_diag dump of ${socketKindName(kind)} sockets`;
  const seq = ++sequence;
  const req = request(kind, seq);
  if (Number(c.send(fd, ptr(req), req.length, 0)) < 0) throw new LinuxCallError(`send(${what})`, errno());
  const out: InetSocket[] = [];
  const view = new DataView(buffer.buffer);
  for (;;) {
    const n = Number(c.recv(fd, ptr(buffer), buffer.length, 0));
    if (n < 0) {
      const e = errno();
      if (e === EINTR) continue;
      throw new LinuxCallError(`recv(${what})`, e);
    }
    if (n === 0) throw new Error(`${what}: the kernel closed the answer early`);
    for (let at = 0; at + NLMSG_HEADER <= n; ) {
      const length = view.getUint32(at, true);
      const type = view.getUint16(at + 4, true);
      if (length < NLMSG_HEADER || at + length > n) throw new Error(`${what}: malformed netlink message (length ${length})`);
      if (view.getUint32(at + 8, true) === seq) {
        if (type === NLMSG_DONE) return out;
        if (type === NLMSG_ERROR) {
          const code = -view.getInt32(at + NLMSG_HEADER, true);
          if (code !== 0) throw new LinuxCallError(what, code);
        } else if (length >= NLMSG_HEADER + INET_DIAG_MSG) {
          const s = parseDiagMessage(buffer, view, at + NLMSG_HEADER, kind);
          if (s) out.push(s);
        }
      }
      at += (length + 3) & ~3;
    }
  }
}

function parseDiagMessage(buffer: Uint8Array, view: DataView, at: number, kind: SocketKind): InetSocket | undefined {
  // inet_diag_sockid starts at +4: sport (be16), dport (be16), src[16], dst[16], if, cookie[2].
  const port = view.getUint16(at + 4, false);
  const inode = view.getUint32(at + 68, true);
  // Inode 0: a socket being torn down; port 0: not bound. Neither can be matched or used.
  if (inode === 0 || port === 0) return undefined;
  const src = buffer.subarray(at + 8, at + 24);
  const address = kind.family === "ipv6" ? formatIPv6(src) : formatIPv4(src);
  return { ...kind, address, port, inode };
}
