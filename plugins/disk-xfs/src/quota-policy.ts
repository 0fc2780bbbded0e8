/**
 * Mesos's three quota policies and their arithmetic (xfs/disk.cpp):
 *
 *  - accounting (no --enforce_container_disk_quota): no limits, usage is only reported;
 *  - passive (enforcement): soft = hard = the quota, writes past it fail (XFS says ENOSPC);
 *  - active (enforcement + --xfs_kill_containers): hard = soft + 10 MB, and a container whose
 *    usage crosses the soft limit is killed with REASON_CONTAINER_LIMITATION_DISK.
 *
 * A sandbox's quota is the sum of the container's plain `disk` resources (not volumes, not disks
 * with a DiskInfo); a persistent volume's is its size. Mesos takes whole megabytes (its
 * `Megabytes(uint64_t)` truncates the scalar).
 */
import { isPersistentVolume } from "@mesos/core";
import type { Resource } from "@mesos/proto";

export type QuotaPolicy = "accounting" | "passive" | "active";

export const MB = 1024 * 1024;
/** How far past the soft limit an active container may write before the kernel stops it. */
export const ACTIVE_HEADROOM = 10 * MB;

export function quotaPolicy(flags: { enforce_container_disk_quota: boolean; xfs_kill_containers: boolean }): QuotaPolicy {
  if (!flags.enforce_container_disk_quota) return "accounting";
  return flags.xfs_kill_containers ? "active" : "passive";
}

/** Mesos's `Megabytes(scalar)`: whole megabytes, in bytes. */
export const megabytes = (value: number): number => Math.trunc(value) * MB;

/** The limits to set for a quota of `bytes`, or undefined: clear them (accounting only). */
export function quotaLimits(policy: QuotaPolicy, bytes: number): { soft: number; hard: number } | undefined {
  if (policy === "accounting") return undefined;
  if (bytes <= 0) throw new Error("Quota limit must be greater than 0");
  return { soft: bytes, hard: policy === "active" ? bytes + ACTIVE_HEADROOM : bytes };
}

/** The sandbox's quota in bytes, or undefined if the container has no plain disk. */
export function sandboxQuota(resources: readonly Resource[]): number | undefined {
  let bytes: number | undefined;
  for (const r of resources) {
    if (r.name !== "disk" || isPersistentVolume(r) || r.disk) continue;
    bytes = (bytes ?? 0) + megabytes(r.scalar?.value ?? 0);
  }
  return bytes;
}

/** stout's `Bytes` printing: the largest unit that loses nothing (`10MB`, `10241KB`, `7B`). */
export function formatBytes(bytes: number): string {
  if (bytes === 0) return "0B";
  const units: [string, number][] = [
    ["B", 1024],
    ["KB", MB],
    ["MB", MB * 1024],
    ["GB", MB * MB],
  ];
  let unit = 1;
  for (const [name, next] of units) {
    if (bytes % next !== 0) return `${bytes / unit}${name}`;
    unit = next;
  }
  return `${bytes / unit}TB`;
}

/** The limitation message, as Mesos words it: `Disk usage (15MB) exceeded quota (10MB) for volume 'v'`. */
export function limitationMessage(used: number, softLimit: number, volumeId?: string): string {
  return `Disk usage (${formatBytes(used)}) exceeded quota (${formatBytes(softLimit)})${volumeId ? ` for volume '${volumeId}'` : ""}`;
}

/** Whether an active container is over its quota: strictly above the soft limit, as Mesos checks. */
export const exceedsSoftLimit = (used: number, softLimit: number): boolean => used > softLimit;
