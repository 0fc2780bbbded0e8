/**
 * Where a persistent volume lives on the agent, as Mesos's `paths::getPersistentVolumePath`:
 * a volume of the default disk in `WORK_DIR/volumes/roles/<role>/<id>`, one of a PATH disk in
 * `<root>/volumes/roles/<role>/<id>`, one of a MOUNT disk at the disk's root itself (a relative
 * root is relative to the work dir). A `/` in a hierarchical role becomes a space. A disk of a
 * CSI volume (its source has an id) has the volume's publish target in place of its root, as
 * Mesos's `csi::paths::getMountTargetPath` lays it out.
 */
import { join } from "node:path";
import { type Resource, Resource_DiskInfo_Source_Type } from "@mesos/proto";
import { reservationRole } from "./resource.ts";

/** A CSI volume id as one path segment: percent-encoded, and never `.` or `..`. */
export function csiVolumeSegment(volumeId: string): string {
  return encodeURIComponent(volumeId).replace(/^\.\.?$/, (dots) => dots.replace(/\./g, "%2E"));
}

/** `<mount root>/<volume id>`: the directory holding a CSI volume's staging and target paths. */
export const csiMountPath = (mountRoot: string, volumeId: string): string => join(mountRoot, csiVolumeSegment(volumeId));

/** Where a CSI volume is published (NodePublishVolume's target path). */
export const csiMountTargetPath = (mountRoot: string, volumeId: string): string => join(csiMountPath(mountRoot, volumeId), "target");

export function persistentVolumePath(workDir: string, volume: Resource): string {
  const id = volume.disk?.persistence?.id;
  if (!id) throw new Error(`resource '${volume.name}' is not a persistent volume`);
  const source = volume.disk!.source;
  const rooted = (root: string) => {
    const path = root.startsWith("/") ? root : join(workDir, root);
    return source?.id ? csiMountTargetPath(path, source.id) : path;
  };
  const role = reservationRole(volume).replaceAll("/", " ");
  switch (source?.type) {
    case undefined:
      return join(workDir, "volumes", "roles", role, id);
    case Resource_DiskInfo_Source_Type.PATH:
      return join(rooted(source.path?.root ?? ""), "volumes", "roles", role, id);
    case Resource_DiskInfo_Source_Type.MOUNT:
      return rooted(source.mount?.root ?? "");
    default:
      throw new Error(`persistent volume '${id}' is on a ${Resource_DiskInfo_Source_Type[source!.type]} disk, which holds no directory`);
  }
}

export function isMountDisk(r: Resource): boolean {
  return r.disk?.source?.type === Resource_DiskInfo_Source_Type.MOUNT;
}
