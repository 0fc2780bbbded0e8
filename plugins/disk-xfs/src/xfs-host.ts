/**
 * What the isolator asks of the host, behind one interface so the isolator's logic can be tested
 * anywhere (unit tests give it an in-memory host; the VM tests and the agent give it this one):
 * the kernel's XFS project ids and quotas through @mesos/linux, and what the start-up checks read.
 */
import {
  blockDeviceOf,
  clearProjectQuota,
  filesystemUsedBytes,
  getProjectId,
  getProjectQuota,
  isXfs,
  mountOf,
  type ProjectQuota,
  projectQuotaStatus,
  setProjectIdRecursively,
  setProjectQuota,
} from "@mesos/linux";

export interface FilesystemFacts {
  xfs: boolean;
  /** Type name and mount point from the mount table, for messages. */
  fsType: string;
  mountPoint: string;
  source: string;
  /** Project quotas are on (accounted at least): `prjquota`, `pquota` or `pqnoenforce`. */
  projectQuota: boolean;
  /** And enforced (not `pqnoenforce`). */
  projectQuotaEnforced: boolean;
}

export interface XfsHost {
  isRoot(): boolean;
  /** Throws if the path cannot be examined (missing, unreadable). */
  filesystem(path: string): FilesystemFacts;
  /** The block device a path's filesystem is on: quotas are set on the device. */
  device(path: string): string;
  getProjectId(path: string): number | undefined;
  setProjectId(directory: string, projectId: number): void;
  setQuota(device: string, projectId: number, softLimit: number, hardLimit: number): void;
  clearQuota(device: string, projectId: number): void;
  getQuota(device: string, projectId: number): ProjectQuota | undefined;
  /** Bytes used on the whole filesystem of `path` (MOUNT disks, which get no project). */
  filesystemUsed(path: string): number;
}

const QUOTA_OPTIONS = ["prjquota", "pquota", "pqnoenforce", "pqnoenf"];

export const systemXfsHost: XfsHost = {
  isRoot: () => process.getuid?.() === 0,
  filesystem(path) {
    const xfs = isXfs(path);
    const mount = mountOf(path);
    const options = [...(mount?.superOptions ?? []), ...(mount?.mountOptions ?? [])];
    const accounted = options.some((o) => QUOTA_OPTIONS.includes(o));
    let enforced = accounted && !options.includes("pqnoenforce") && !options.includes("pqnoenf");
    if (xfs && accounted) {
      // The mount table says so; the kernel has the last word (Mesos asks Q_XGETQSTATV).
      try {
        enforced = projectQuotaStatus(blockDeviceOf(path)).enforcing;
      } catch {}
    }
    return {
      xfs,
      fsType: mount?.fstype ?? "unknown",
      mountPoint: mount?.target ?? "?",
      source: mount?.source ?? "?",
      projectQuota: xfs && accounted,
      projectQuotaEnforced: xfs && enforced,
    };
  },
  device: blockDeviceOf,
  getProjectId,
  setProjectId: setProjectIdRecursively,
  setQuota: setProjectQuota,
  clearQuota: clearProjectQuota,
  getQuota: getProjectQuota,
  filesystemUsed: filesystemUsedBytes,
};
