/** What disk/xfs keeps per container (the directories it gave projects to, its limitation), and its statistics. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { LimitationInit, StatisticsInit } from "@mesos/plugin-api";
import type { DiskStatisticsSchema, Resource_DiskInfo } from "@mesos/proto";
import type { XfsHost } from "./xfs-host.ts";

/** A directory with a project (projectId 0: a MOUNT disk, tracked for usage only). */
export interface PathInfo {
  /** Bytes: the sandbox's disk or the volume's size (what usage reports as the limit). */
  quota: number;
  projectId: number;
  /** The block device quotas of this directory are set on, once looked up. */
  device?: string;
  /** Set for persistent volumes. */
  disk?: Resource_DiskInfo;
}

export interface ContainerInfo {
  sandbox: string;
  paths: Map<string, PathInfo>;
  limitation?: LimitationInit;
  /** Pending `watch` calls. */
  waiters: Set<(l: LimitationInit | undefined) => void>;
}

export function newContainerInfo(sandbox: string, projectId: number): ContainerInfo {
  return { sandbox, paths: new Map([[sandbox, { quota: 0, projectId }]]), waiters: new Set() };
}

/** Mesos's statistics: disk_used/limit_bytes for the sandbox, one DiskStatistics per volume. */
export function containerUsage(host: XfsHost, info: ContainerInfo): StatisticsInit {
  const stats: StatisticsInit & { diskStatistics: NonNullable<StatisticsInit["diskStatistics"]> } = { diskStatistics: [] };
  for (const [directory, p] of info.paths) {
    const volume: MessageInitShape<typeof DiskStatisticsSchema> | undefined = p.disk
      ? { persistence: p.disk.persistence, source: p.disk.source, limitBytes: BigInt(p.quota) }
      : undefined;
    if (volume) stats.diskStatistics.push(volume);
    if (p.projectId === 0) {
      // A MOUNT disk: no project, the whole filesystem is the volume's.
      if (volume) volume.usedBytes = BigInt(host.filesystemUsed(directory));
      continue;
    }
    p.device ??= host.device(directory);
    const quota = host.getQuota(p.device, p.projectId);
    // The limit is what the quota ought to be (in accounting mode the kernel has none).
    if (volume) {
      if (quota) volume.usedBytes = BigInt(quota.used);
    } else {
      if (quota) stats.diskUsedBytes = BigInt(quota.used);
      stats.diskLimitBytes = BigInt(p.quota);
    }
  }
  return stats;
}
