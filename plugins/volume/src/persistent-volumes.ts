/**
 * Where persistent volumes live on the agent, as in Mesos: WORK_DIR/volumes/roles/<role>/<id>
 * (a `/` in a hierarchical role becomes a space). The agent creates and destroys them
 * (CREATE/DESTROY); filesystem/linux mounts them into containers.
 */
import { join } from "node:path";
import { reservationRole } from "@mesos/core";
import type { Resource } from "@mesos/proto";

export function persistentVolumePath(workDir: string, volume: Resource): string {
  const role = reservationRole(volume).replaceAll("/", " ");
  return join(workDir, "volumes", "roles", role, volume.disk!.persistence!.id);
}
