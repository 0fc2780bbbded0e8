/**
 * The `network/ports` isolator (Mesos 1.8's NetworkPortsIsolatorProcess). Every
 * `--container_ports_watch_interval` it lists the host's listening sockets on watched ports,
 * finds which containers hold them (port-scanner.ts) and compares each container tree's ports with
 * what its root container was allocated (a nested container listens on its root's ports). A new
 * violation is logged once; with `--enforce_container_ports` it is also a limitation
 * (REASON_CONTAINER_LIMITATION, the ports as a resource) given to the root and every nested
 * container of the tree, so the agent destroys the whole tree and fails all its tasks with it.
 *
 * Beyond Mesos: IPv6 listeners always, bound UDP sockets with `--container_ports_check_udp`.
 * Which processes: see container-processes.ts. The allocation comes from the container's resources
 * at prepare and update, and after an agent restart from the config it was prepared with (Mesos
 * waited for the executor to re-register; we can check at once).
 */
import { type Clock, errorMessage, failedPrecondition, type Logger, type TimerHandle } from "@mesos/core";
import { ALL_SOCKET_KINDS, createSocketLister, type SocketLister, socketKindName } from "@mesos/linux";
import { containerIdString, type ContainerState, type Isolator, type LimitationInit, rootContainerId } from "@mesos/plugin-api";
import type { ContainerID, ContainerInfo, Resource } from "@mesos/proto";
import { containerOfProcess, isPidNamespaceInit } from "./container-processes.ts";
import { createPortScanner, type ScanResult } from "./port-scanner.ts";
import { formatPortRanges, type PortRanges, portsOf } from "./port-ranges.ts";
import { findViolation, portsLimitation } from "./violations.ts";

export const NETWORK_PORTS_ISOLATOR = "network/ports";

export interface NetworkPortsIsolatorOptions {
  /** The ports watched; undefined: all (watched-ports.ts). */
  watched?: PortRanges;
  enforce: boolean;
  intervalMs: number;
  checkUdp: boolean;
  /** `network/cni` is in --isolation: containers on a named network have their own IP and are left alone. */
  ignoreNamedNetworks?: boolean;
  log: Logger;
  clock: Clock;
  lister?: SocketLister;
  procRoot?: string;
}

export interface ScanStats extends Omit<ScanResult, "listeners"> {
  containers: number;
  violations: number;
}

export interface NetworkPortsIsolator extends Isolator {
  /** One scan now (tests and benchmarks; the isolator scans on its own every interval). */
  scanNow(): ScanStats;
  /** Stops the periodic scan. */
  close(): void;
}

interface Tracked {
  id: ContainerID;
  key: string;
  rootKey: string;
  init?: { pid: number; ownNamespace: boolean };
  /** Root containers: the allocated ports, the limitation once found, the last violation logged. */
  allocated: PortRanges;
  limitation?: LimitationInit;
  reported?: string;
  watchers: Set<(l: LimitationInit | undefined) => void>;
}

const onNamedNetwork = (info: ContainerInfo | undefined) => (info?.networkInfos ?? []).some((n) => n.name);

export function createNetworkPortsIsolator(options: NetworkPortsIsolatorOptions): NetworkPortsIsolator {
  const { log, clock } = options;
  const kinds = ALL_SOCKET_KINDS.filter((k) => k.protocol === "tcp" || options.checkUdp);
  const lister =
    options.lister ??
    createSocketLister({
      procRoot: options.procRoot,
      onFallback: (kind, e, permanent) =>
        (permanent ? log.warn : log.debug)(`Listing ${socketKindName(kind)} sockets from /proc/net: sock_diag failed: ${errorMessage(e)}`),
    });
  const scanner = createPortScanner({ lister, kinds, watched: options.watched, procRoot: options.procRoot });
  const tracked = new Map<string, Tracked>();
  let timer: TimerHandle | undefined;

  const keyOf = (id: ContainerID) => containerIdString(id);
  const rootOf = (t: Tracked) => tracked.get(t.rootKey);
  const treeOf = (rootKey: string) => [...tracked.values()].filter((t) => t.rootKey === rootKey);

  /** Starts (or, recovering, refreshes) tracking a container; a root's ports are its resources'. */
  function track(id: ContainerID, resources: readonly Resource[]): Tracked {
    const key = keyOf(id);
    let t = tracked.get(key);
    if (!t) tracked.set(key, (t = { id, key, rootKey: keyOf(rootContainerId(id)), allocated: [], watchers: new Set() }));
    if (!id.parent) setAllocation(t, resources);
    schedule();
    return t;
  }

  function setAllocation(t: Tracked, resources: readonly Resource[]): void {
    t.allocated = portsOf(resources);
    t.reported = undefined;
    log.info(`Updated ports to ${formatPortRanges(t.allocated)} for container ${t.key}`);
  }

  function forget(key: string): void {
    const t = tracked.get(key);
    if (!t) return;
    tracked.delete(key);
    for (const resolve of t.watchers) resolve(undefined);
    if (tracked.size === 0) {
      timer?.cancel();
      timer = undefined;
    }
  }

  function schedule(): void {
    if (timer || tracked.size === 0) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      try {
        scanNow();
      } catch (e) {
        log.error(`Failed to check the ports containers listen on: ${errorMessage(e)}`);
      }
      schedule();
    }, options.intervalMs);
  }

  function limit(root: Tracked, limitation: LimitationInit): void {
    root.limitation = limitation;
    for (const t of treeOf(root.key)) {
      for (const resolve of t.watchers) resolve(limitation);
      t.watchers.clear();
    }
  }

  function scanNow(): ScanStats {
    const roots = new Map<string, { pid: number; ownNamespace: boolean }>();
    for (const t of tracked.values()) if (!t.id.parent && t.init && !t.limitation) roots.set(t.key, t.init);
    if (roots.size === 0) return { containers: 0, sockets: 0, walked: false, violations: 0 };
    const result = scanner.scan(roots);
    log.debug(
      `Checked ${roots.size} containers: ${result.sockets} listening sockets on watched ports${result.walked ? "" : " (unchanged: processes not walked)"}`,
    );
    let violations = 0;
    for (const key of roots.keys()) {
      const root = tracked.get(key)!;
      const nestedInits = () => new Map(treeOf(key).flatMap((t) => (t.id.parent && t.init ? [[t.init.pid, t.key] as const] : [])));
      const violation = findViolation(root.allocated, result.listeners.get(key) ?? [], (pid) =>
        containerOfProcess(pid, key, nestedInits(), options.procRoot),
      );
      if (!violation) {
        root.reported = undefined;
        continue;
      }
      violations++;
      if (root.reported === violation.key) continue;
      root.reported = violation.key;
      log.warn(violation.message);
      if (options.enforce) limit(root, portsLimitation(violation));
    }
    return { containers: roots.size, sockets: result.sockets, walked: result.walked, violations };
  }

  return {
    name: NETWORK_PORTS_ISOLATOR,
    supportsNesting: true,
    scanNow,
    close() {
      timer?.cancel();
      timer = undefined;
    },

    async recover(states: readonly ContainerState[]) {
      // What a previous life of this isolator (out of process, the agent restarted) still holds
      // and is not running any more is dropped; the rest is taken from the checkpointed configs.
      const running = new Set(states.map((s) => keyOf(s.containerId!)));
      for (const key of [...tracked.keys()]) if (!running.has(key)) forget(key);
      const roots = states.filter((s) => !s.containerId!.parent);
      const nested = states.filter((s) => s.containerId!.parent);
      for (const s of roots) {
        if (options.ignoreNamedNetworks && onNamedNetwork(s.config?.containerInfo)) continue;
        const t = track(s.containerId!, s.config?.resources ?? []);
        t.init = { pid: s.pid, ownNamespace: isPidNamespaceInit(s.pid, options.procRoot) };
      }
      for (const s of nested) {
        if (!tracked.has(keyOf(rootContainerId(s.containerId!)))) continue;
        track(s.containerId!, []).init = { pid: s.pid, ownNamespace: false };
      }
    },

    async prepare(config) {
      const id = config.containerId!;
      const key = keyOf(id);
      if (tracked.has(key)) throw failedPrecondition(`Container ${key} has already been prepared`);
      if (id.parent) {
        // Only the trees whose root is watched.
        if (tracked.has(keyOf(rootContainerId(id)))) track(id, []);
      } else if (!(options.ignoreNamedNetworks && onNamedNetwork(config.containerInfo))) {
        track(id, config.resources);
      }
      return undefined;
    },

    async isolate(id, pid) {
      const t = tracked.get(keyOf(id));
      if (!t) return;
      const ownNamespace = !id.parent && isPidNamespaceInit(pid, options.procRoot);
      if (!id.parent && !ownNamespace) {
        log.warn(
          `Container ${t.key}: its init (pid ${pid}) is not PID 1 of a PID namespace of its own (not the linux launcher?); following its process tree`,
        );
      }
      t.init = { pid, ownNamespace };
    },

    watch(id, signal) {
      const t = tracked.get(keyOf(id));
      const root = t && rootOf(t);
      if (root?.limitation) return Promise.resolve(root.limitation);
      return new Promise((resolve) => {
        const done = (l: LimitationInit | undefined) => {
          signal.removeEventListener("abort", onAbort);
          t?.watchers.delete(done);
          resolve(l);
        };
        // Ended for another reason: the last word is a limitation already found, if any.
        const onAbort = () => done(t && rootOf(t)?.limitation);
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        t?.watchers.add(done);
      });
    },

    async update(id, resources) {
      const t = tracked.get(keyOf(id));
      // Nested containers get no ports of their own: their root's count.
      if (t && !id.parent) setAllocation(t, resources);
    },

    async cleanup(id) {
      forget(keyOf(id));
    },
  };
}
