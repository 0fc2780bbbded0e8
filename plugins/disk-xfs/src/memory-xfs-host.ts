/**
 * An in-memory XfsHost for the isolator's unit tests, which run on any kernel: project ids and
 * quota records live in maps, usage is what the test says it is. Directories are real (the
 * isolator scans and checks them on disk); only the XFS parts are simulated. The real host is
 * exercised by the VM tests (test/vm/).
 */
import type { ProjectQuota } from "@mesos/linux";
import type { FilesystemFacts, XfsHost } from "./xfs-host.ts";

export interface MemoryXfsHost extends XfsHost {
  readonly projectIds: Map<string, number>;
  readonly quotas: Map<number, ProjectQuota>;
  /** Sets how many bytes a project uses. */
  use(projectId: number, bytes: number): void;
  root: boolean;
  /** What `filesystem()` says about every path (override per test). */
  facts: (path: string) => FilesystemFacts;
  used: number;
}

export const XFS_WITH_PRJQUOTA: FilesystemFacts = {
  xfs: true,
  fsType: "xfs",
  mountPoint: "/mnt/xfs",
  source: "/dev/loop7",
  projectQuota: true,
  projectQuotaEnforced: true,
};

export function createMemoryXfsHost(): MemoryXfsHost {
  const projectIds = new Map<string, number>();
  const quotas = new Map<number, ProjectQuota>();
  const record = (id: number) => quotas.get(id) ?? { softLimit: 0, hardLimit: 0, used: 0 };
  const host: MemoryXfsHost = {
    projectIds,
    quotas,
    root: true,
    used: 0,
    facts: () => XFS_WITH_PRJQUOTA,
    use(projectId, bytes) {
      quotas.set(projectId, { ...record(projectId), used: bytes });
    },
    isRoot: () => host.root,
    filesystem: (path) => host.facts(path),
    device: () => "/dev/loop7",
    getProjectId: (path) => projectIds.get(path),
    setProjectId(directory, projectId) {
      projectIds.set(directory, projectId);
    },
    setQuota(_device, projectId, softLimit, hardLimit) {
      quotas.set(projectId, { ...record(projectId), softLimit, hardLimit });
    },
    clearQuota(_device, projectId) {
      quotas.set(projectId, { ...record(projectId), softLimit: 0, hardLimit: 0 });
    },
    getQuota(_device, projectId) {
      const q = quotas.get(projectId);
      return q && (q.hardLimit !== 0 || q.used !== 0) ? { ...q } : undefined;
    },
    filesystemUsed: () => host.used,
  };
  return host;
}
