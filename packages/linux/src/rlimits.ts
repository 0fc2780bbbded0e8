/** Resource limits (setrlimit through prlimit(2) on this process), as Mesos's RLimitInfo names them. */
import { ptr } from "bun:ffi";
import { fail } from "./errno.ts";
import { libc } from "./libc.ts";

export const RLIMITS: Record<string, number> = {
  CPU: 0,
  FSIZE: 1,
  DATA: 2,
  STACK: 3,
  CORE: 4,
  RSS: 5,
  NPROC: 6,
  NOFILE: 7,
  MEMLOCK: 8,
  AS: 9,
  LOCKS: 10,
  SIGPENDING: 11,
  MSGQUEUE: 12,
  NICE: 13,
  RTPRIO: 14,
  RTTIME: 15,
};
const INFINITY = 0xffffffffffffffffn;

export function setRlimit(resource: number, soft: number | "unlimited", hard: number | "unlimited"): void {
  const limits = new BigUint64Array([soft === "unlimited" ? INFINITY : BigInt(soft), hard === "unlimited" ? INFINITY : BigInt(hard)]);
  if (libc().prlimit(0, resource, ptr(limits), null) !== 0) {
    const name = Object.entries(RLIMITS).find(([, v]) => v === resource)?.[0] ?? String(resource);
    fail(`setrlimit(RLIMIT_${name}, ${soft}, ${hard})`);
  }
}
