/**
 * Where persistent volumes live on the agent, as in Mesos: WORK_DIR/volumes/roles/<role>/<id>, or,
 * on a MOUNT disk of a storage resource provider, the CSI volume's published target
 * (WORK_DIR/<mount root>/<volume id>/target), which the provider publishes before a task starts.
 * A volume outlives tasks and agent restarts; only DESTROY removes it.
 */
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, isAbsolute, join, normalize } from "node:path";
import { reservationRole, type Resources } from "@mesos/core";
import { csiPaths } from "@mesos/plugin-csi";
import { type Resource, Resource_DiskInfo_Source_Type } from "@mesos/proto";

/** A volume on a MOUNT disk of a resource provider: its directory is the provider's to make. */
const onMountDisk = (volume: Resource) => volume.disk?.source?.type === Resource_DiskInfo_Source_Type.MOUNT;

function volumePath(workDir: string, volume: Resource): string {
  const source = volume.disk?.source;
  if (source?.type === Resource_DiskInfo_Source_Type.MOUNT && source.mount) {
    const root = isAbsolute(source.mount.root) ? source.mount.root : join(workDir, source.mount.root);
    return source.id ? csiPaths.targetPath(root, source.id) : root;
  }
  const role = reservationRole(volume).replaceAll("/", " ");
  return join(workDir, "volumes", "roles", role, volume.disk!.persistence!.id);
}

/** Makes sure every persistent volume in `total` has its directory (idempotent; run at recovery). */
export function ensureVolumeDirs(workDir: string, total: Resources): void {
  for (const v of total.persistentVolumes()) if (!onMountDisk(v)) mkdirSync(volumePath(workDir, v), { recursive: true });
}

export function removeVolumeDir(workDir: string, volume: Resource): void {
  if (!onMountDisk(volume)) rmSync(volumePath(workDir, volume), { recursive: true, force: true });
}

/**
 * Makes a task's persistent volumes visible in its sandbox at their `container_path`, as Mesos's
 * filesystem/posix isolator does: a symlink to the volume's directory.
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
