/**
 * Where a persistent volume lives on the agent, as Mesos's `paths::getPersistentVolumePath`:
 * a volume of the default disk in `WORK_DIR/volumes/roles/<role>/<id>`, one of a PATH disk in
 * `<root>/volumes/roles/<role>/<id>`, one of a MOUNT disk at the disk's root itself (a relative
 * root is relative to the work dir). A `/` in a hierarchical role becomes a space.
 */
import { join } from "node:path";
import { type Resource, Resource_DiskInfo_Source_Type } from "@mesos/proto";
import { reservationRole } from "./resource.ts";

export function persistentVolumePath(workDir: string, volume: Resource): string {
  const id = volume.disk?.persistence?.id;
  if (!id) throw new Error(`resource '${volume.name}' is not a persistent volume`);
  const rooted = (root: string) => (root.startsWith("/") ? root : join(workDir, root));
  const source = volume.disk!.source;
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
