/** What disk/xfs keeps per container: the directories it gave projects to, and its limitation. */
import type { LimitationInit } from "@mesos/plugin-api";
import type { Resource_DiskInfo } from "@mesos/proto";

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
