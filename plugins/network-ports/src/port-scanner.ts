/**
 * One scan: the host's listening sockets on watched ports (sock_diag), matched by inode to the
 * processes of each root container (its PID namespace, then /proc/PID/fd).
 *
 * The walk over processes is the expensive part, and it is skipped when it cannot change the
 * answer: the same watched sockets (by inode) and the same containers as at the last walk mean the
 * same owners, since a socket changes hands only when a process passes its descriptor over a unix
 * socket. To bound that blind spot, the walk is done anyway every `fullWalkEvery` scans.
 */
import { type InetSocket, type SocketKind, type SocketLister, socketInodesOf } from "@mesos/linux";
import { processesOfRoots, type RootProcess } from "./container-processes.ts";
import { inRanges, type PortRanges } from "./port-ranges.ts";

export interface Listener {
  socket: InetSocket;
  /** A process of the container holding it. */
  pid: number;
}

export interface ScanResult {
  /** Root container key -> its listeners on watched ports. */
  listeners: Map<string, Listener[]>;
  /** Watched listening sockets on the host, in containers or not. */
  sockets: number;
  /** Whether the processes were walked (false: the last walk's owners still hold). */
  walked: boolean;
}

export interface PortScannerOptions {
  lister: SocketLister;
  kinds: readonly SocketKind[];
  /** Undefined: every port. */
  watched?: PortRanges;
  /** Walk at least every this many scans (default 10). */
  fullWalkEvery?: number;
  procRoot?: string;
}

interface Walk {
  inodes: Set<number>;
  roots: string;
  owners: Map<number, { root: string; pid: number }>;
}

export function createPortScanner(options: PortScannerOptions) {
  const fullWalkEvery = options.fullWalkEvery ?? 10;
  let last: Walk | undefined;
  let scansSinceWalk = 0;

  function walk(sockets: Map<number, InetSocket>, roots: ReadonlyMap<string, RootProcess>): Walk["owners"] {
    const owners: Walk["owners"] = new Map();
    for (const [root, pids] of processesOfRoots(roots, options.procRoot)) {
      for (const pid of pids) {
        for (const inode of socketInodesOf(pid, options.procRoot) ?? []) {
          if (sockets.has(inode) && !owners.has(inode)) owners.set(inode, { root, pid });
        }
      }
    }
    return owners;
  }

  return {
    /** `roots`: root container key -> its init. */
    scan(roots: ReadonlyMap<string, RootProcess>): ScanResult {
      const sockets = new Map<number, InetSocket>();
      for (const s of options.lister.list(options.kinds)) {
        if (!options.watched || inRanges(options.watched, s.port)) sockets.set(s.inode, s);
      }
      const rootsKey = [...roots]
        .map(([k, root]) => `${k}:${root.pid}`)
        .sort()
        .join(",");
      const unchanged =
        last !== undefined &&
        last.roots === rootsKey &&
        last.inodes.size === sockets.size &&
        [...sockets.keys()].every((inode) => last!.inodes.has(inode)) &&
        ++scansSinceWalk < fullWalkEvery;
      if (!unchanged) {
        last = { inodes: new Set(sockets.keys()), roots: rootsKey, owners: sockets.size > 0 && roots.size > 0 ? walk(sockets, roots) : new Map() };
        scansSinceWalk = 0;
      }
      const listeners = new Map<string, Listener[]>();
      for (const [inode, { root, pid }] of last!.owners) {
        const socket = sockets.get(inode);
        if (!socket) continue;
        let list = listeners.get(root);
        if (!list) listeners.set(root, (list = []));
        list.push({ socket, pid });
      }
      return { listeners, sockets: sockets.size, walked: !unchanged };
    },
  };
}

export type PortScanner = ReturnType<typeof createPortScanner>;
