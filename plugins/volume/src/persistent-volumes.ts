/**
 * Where persistent volumes live on the agent, as in Mesos: WORK_DIR/volumes/roles/<role>/<id> (a
 * `/` in a hierarchical role becomes a space), or, on a MOUNT disk of a storage resource provider,
 * the CSI volume's published target (WORK_DIR/<mount root>/<volume id>/target), which the provider
 * makes and publishes before a task starts. The agent creates and destroys them (CREATE/DESTROY);
 * filesystem/linux mounts them into containers.
 */
import { isAbsolute, join } from "node:path";
import { reservationRole } from "@mesos/core";
import { csiPaths } from "@mesos/plugin-csi";
import { type Resource, Resource_DiskInfo_Source_Type } from "@mesos/proto";

/** A volume on a MOUNT disk of a resource provider: its directory is the provider's to make. */
export const onMountDisk = (volume: Resource) => volume.disk?.source?.type === Resource_DiskInfo_Source_Type.MOUNT;

export function persistentVolumePath(workDir: string, volume: Resource): string {
  const source = volume.disk?.source;
  if (source?.type === Resource_DiskInfo_Source_Type.MOUNT && source.mount) {
    const root = isAbsolute(source.mount.root) ? source.mount.root : join(workDir, source.mount.root);
    return source.id ? csiPaths.targetPath(root, source.id) : root;
  }
  const role = reservationRole(volume).replaceAll("/", " ");
  return join(workDir, "volumes", "roles", role, volume.disk!.persistence!.id);
}
