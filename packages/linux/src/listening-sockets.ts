/**
 * Listening sockets of the host's network namespace, from sock_diag where the kernel has it and
 * from /proc/net where it does not, decided per kind: a kernel may have tcp_diag but no udp_diag.
 * A kind the kernel refuses to dump (no handler, protocol or family unsupported) is read from
 * /proc/net from then on; any other sock_diag failure falls back for that one listing only.
 */
import { LinuxCallError } from "./errno.ts";
import type { InetSocket, SocketKind } from "./inet-sockets.ts";
import { socketKindName } from "./inet-sockets.ts";
import { procNetSockets } from "./proc-net-sockets.ts";
import { openSockDiag, type SockDiagSocket } from "./sock-diag.ts";

export type SocketSource = "sock_diag" | "proc";

export interface SocketListerOptions {
  /** Default "auto": sock_diag, else /proc/net. */
  source?: "auto" | SocketSource;
  /** Told once per kind when it falls back to /proc/net for good, and each time it does for one listing. */
  onFallback?(kind: SocketKind, error: unknown, permanent: boolean): void;
  /** For tests: where /proc is, and how the netlink socket is opened. */
  procRoot?: string;
  openDiag?: () => SockDiagSocket;
}

export interface SocketLister {
  list(kinds: readonly SocketKind[]): InetSocket[];
  /** Where each kind was read from last (`tcp`, `tcp6`, `udp`, `udp6`). */
  sources(): Record<string, SocketSource>;
}

/** The kernel has no sock_diag handler for this kind (or none at all). */
const UNSUPPORTED = new Set(["ENOENT", "EPROTONOSUPPORT", "EAFNOSUPPORT", "EOPNOTSUPP", "EINVAL"]);

export function createSocketLister(options: SocketListerOptions = {}): SocketLister {
  const mode = options.source ?? "auto";
  const permanent = new Set<string>();
  const used: Record<string, SocketSource> = {};
  const fallBack = (kind: SocketKind, error: unknown) => {
    const forGood = error instanceof LinuxCallError && UNSUPPORTED.has(error.code);
    if (forGood) permanent.add(socketKindName(kind));
    options.onFallback?.(kind, error, forGood);
  };
  const fromProc = (kind: SocketKind) => {
    used[socketKindName(kind)] = "proc";
    return procNetSockets(kind, options.procRoot);
  };

  return {
    list(kinds) {
      const out: InetSocket[] = [];
      const viaNetlink = mode === "proc" ? [] : kinds.filter((k) => !permanent.has(socketKindName(k)));
      let diag: SockDiagSocket | undefined;
      if (viaNetlink.length > 0) {
        try {
          diag = (options.openDiag ?? openSockDiag)();
        } catch (e) {
          if (mode === "sock_diag") throw e;
          for (const k of viaNetlink) fallBack(k, e);
        }
      }
      try {
        for (const kind of kinds) {
          if (diag && viaNetlink.includes(kind)) {
            try {
              out.push(...diag.dump(kind));
              used[socketKindName(kind)] = "sock_diag";
              continue;
            } catch (e) {
              if (mode === "sock_diag") throw e;
              fallBack(kind, e);
            }
          }
          out.push(...fromProc(kind));
        }
      } finally {
        diag?.close();
      }
      return out;
    },
    sources: () => ({ ...used }),
  };
}
