/**
 * Persistent volumes' directories on the agent (where: @mesos/plugin-volume's persistentVolumePath).
 * A volume outlives tasks and agent restarts; only DESTROY removes it.
 */
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, isAbsolute, join, normalize } from "node:path";
import type { Resources } from "@mesos/core";
import type { Resource } from "@mesos/proto";
import { onMountDisk, persistentVolumePath as volumePath } from "@mesos/plugin-volume";

/** Makes sure every persistent volume in `total` has its directory (idempotent; run at recovery). */
export function ensureVolumeDirs(workDir: string, total: Resources): void {
  for (const v of total.persistentVolumes()) if (!onMountDisk(v)) mkdirSync(volumePath(workDir, v), { recursive: true });
}

export function removeVolumeDir(workDir: string, volume: Resource): void {
  if (!onMountDisk(volume)) rmSync(volumePath(workDir, volume), { recursive: true, force: true });
}

/**
 * Makes a task's persistent volumes visible in its sandbox at their `container_path`, as Mesos's
 * filesystem/posix isolator does: a symlink to the volume's directory. With the linux launcher and
 * filesystem/linux, that isolator bind-mounts them instead (a symlink does not resolve in a rootfs).
 */
export function linkVolumesIntoSandbox(workDir: string, sandbox: string, resources: readonly Resource[]): void {
  for (const r of resources) {
    if (!r.disk?.persistence) continue;
    const containerPath = r.disk.volume?.containerPath ?? "";
    if (containerPath === "" || isAbsolute(containerPath) || normalize(containerPath).startsWith("..")) {
      throw new Error(`volume '${r.disk.persistence.id}' has container path '${containerPath}': it must be a relative path inside the sandbox`);
    }
    const target = volumePath(workDir, r);
    if (!onMountDisk(r)) mkdirSync(target, { recursive: true });
    const link = join(sandbox, containerPath);
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { force: true });
    symlinkSync(target, link);
  }
}
