/**
 * A container tree listening where it should not: watched ports outside the root container's
 * allocation (NetworkPortsIsolatorProcess::check). The message starts with Mesos's text,
 * `Container <id> is listening on unallocated port(s): [31005-31005]`, naming the (nested)
 * container whose process listens, and adds the sockets: `(tcp 0.0.0.0:31005, tcp6 [::1]:31005)`.
 */
import { formatEndpoint, socketKindName } from "@mesos/linux";
import type { LimitationInit } from "@mesos/plugin-api";
import { TaskStatus_Reason, Value_Type } from "@mesos/proto";
import type { Listener } from "./port-scanner.ts";
import { formatPortRanges, fromIntervals, inRanges, type PortRanges, toIntervals } from "./port-ranges.ts";

export interface Violation {
  /** Identifies the set of offending sockets, so that the same set is logged once. */
  key: string;
  ports: number[];
  message: string;
}

/**
 * The listeners of one tree outside `allocated`, or undefined. `containerOf` says which container
 * of the tree a listening process belongs to.
 */
export function findViolation(allocated: PortRanges, listeners: readonly Listener[], containerOf: (pid: number) => string): Violation | undefined {
  const offending = listeners.filter((l) => !inRanges(allocated, l.socket.port));
  if (offending.length === 0) return undefined;
  const byContainer = new Map<string, Listener[]>();
  for (const l of offending) {
    const key = containerOf(l.pid);
    byContainer.set(key, [...(byContainer.get(key) ?? []), l]);
  }
  const parts = [...byContainer].map(([container, ls]) => {
    const ranges = formatPortRanges(fromIntervals(toIntervals(ls.map((l) => l.socket.port)), "listening ports"));
    const sockets = [...new Set(ls.map((l) => `${socketKindName(l.socket)} ${formatEndpoint(l.socket)}`))].sort();
    return `Container ${container} is listening on unallocated port(s): ${ranges} (${sockets.join(", ")})`;
  });
  const ports = [...new Set(offending.map((l) => l.socket.port))].sort((a, b) => a - b);
  const key = offending
    .map((l) => `${socketKindName(l.socket)}/${formatEndpoint(l.socket)}/${l.socket.inode}`)
    .sort()
    .join(",");
  return { key, ports, message: parts.join("; ") };
}

/** The limitation that kills the tree: REASON_CONTAINER_LIMITATION with the ports as a resource. */
export function portsLimitation(v: Violation): LimitationInit {
  return {
    reason: TaskStatus_Reason.CONTAINER_LIMITATION,
    message: v.message,
    resources: [{ name: "ports", type: Value_Type.RANGES, ranges: { range: toIntervals(v.ports) } }],
  };
}
