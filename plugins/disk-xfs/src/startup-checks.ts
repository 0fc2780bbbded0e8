/**
 * What disk/xfs needs before the agent may start (Mesos's `XfsDiskIsolatorProcess::create`): the
 * work directory and the root of every PATH disk in `--resources` on XFS mounted with project
 * quotas, and root. Each failure throws a message naming the path and what to do; the agent stops
 * with it. MOUNT disks need not be XFS (they get no project quota), as in Mesos.
 */
import { isAbsolute, join } from "node:path";
import { parseResources } from "@mesos/core";
import { Resource_DiskInfo_Source_Type } from "@mesos/proto";
import type { XfsHost } from "./xfs-host.ts";

/** The roots of the PATH disks in `--resources` (relative ones are relative to the work dir). */
export function pathDiskRoots(resources: string | undefined, defaultRole: string, workDir: string): string[] {
  if (!resources?.trim()) return [];
  const roots = new Set<string>();
  for (const r of parseResources(resources, { defaultRole })) {
    const source = r.disk?.source;
    if (r.name !== "disk" || source?.type !== Resource_DiskInfo_Source_Type.PATH || !source.path?.root) continue;
    roots.add(isAbsolute(source.path.root) ? source.path.root : join(workDir, source.path.root));
  }
  return [...roots];
}

/**
 * Throws unless `path` is on XFS with project quotas. `what` says whose path it is, e.g.
 * "the agent's work directory (--work_dir)". Returns a warning if quotas are only accounted.
 */
export function checkXfsPath(host: XfsHost, path: string, what: string): string | undefined {
  let fs: ReturnType<XfsHost["filesystem"]>;
  try {
    fs = host.filesystem(path);
  } catch (e) {
    throw new Error(`Cannot examine '${path}' (${what}): ${(e as Error).message}; it must exist on an XFS filesystem mounted with -o prjquota`);
  }
  if (!fs.xfs) {
    throw new Error(
      `'${path}' is not an XFS filesystem: ${what} is on ${fs.fsType} (mounted at ${fs.mountPoint}). ` +
        "Put it on an XFS filesystem mounted with project quotas (mount -o prjquota), or remove disk/xfs from --isolation",
    );
  }
  if (!fs.projectQuota) {
    throw new Error(
      `XFS project quotas are not enabled on '${path}': ${what} is on ${fs.source} mounted at ${fs.mountPoint} without prjquota. ` +
        "Mount it with -o prjquota (or pquota); XFS turns quotas on only when it is mounted, not on remount, so unmount it first or set the option in /etc/fstab",
    );
  }
  if (!fs.projectQuotaEnforced) {
    return `XFS project quotas on '${path}' (${fs.mountPoint}) are accounted but not enforced (pqnoenforce): writes past a quota will not fail`;
  }
  return undefined;
}

export interface StartupCheckInput {
  workDir: string;
  /** `--resources`, for its PATH disks. */
  resources?: string;
  defaultRole: string;
}

/** Runs every check in Mesos's order (paths, then root); returns warnings worth logging. */
export function checkDiskXfsHost(host: XfsHost, input: StartupCheckInput): string[] {
  const warnings: string[] = [];
  const note = (w: string | undefined) => w && warnings.push(w);
  note(checkXfsPath(host, input.workDir, "the agent's work directory (--work_dir)"));
  for (const root of pathDiskRoots(input.resources, input.defaultRole, input.workDir)) {
    note(checkXfsPath(host, root, `the root of a PATH disk in --resources`));
  }
  if (!host.isRoot()) {
    throw new Error("The XFS disk isolator requires running as root: setting project IDs and quotas needs CAP_SYS_ADMIN. Start the agent as root");
  }
  return warnings;
}
