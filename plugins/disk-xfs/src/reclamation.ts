/**
 * Project ids waiting to come back (Mesos's `scheduledProjects`): cleanup does not free a
 * sandbox's or volume's id, it schedules the directory; every --disk_watch_interval the ids of the
 * scheduled directories that are gone return to the free range and their quota records are
 * cleared. Waiting for the directory, not the container, is Mesos's choice: a sandbox may hold
 * files that still carry its project (symlinks the kernel cannot re-tag), and a persistent volume
 * keeps its id for as long as it exists.
 */
import { lstatSync } from "node:fs";
import type { Logger } from "@mesos/core";
import type { ProjectIds } from "./project-ids.ts";
import type { XfsHost } from "./xfs-host.ts";

export interface Reclamation {
  /** Reclaim `projectId` once `directory` is gone (its device is looked up now, while it exists). */
  schedule(projectId: number, directory: string, device?: string): void;
  has(projectId: number): boolean;
  /** The device recorded for a scheduled id. */
  device(projectId: number): string | undefined;
  /** One pass: frees the ids of the scheduled directories that are gone. */
  reclaim(): void;
}

export function createReclamation(deps: { host: XfsHost; ids: ProjectIds; log: Logger }): Reclamation {
  const { host, ids, log } = deps;
  const scheduled = new Map<number, { directory: string; device: string }>();
  return {
    schedule(projectId, directory, device) {
      try {
        scheduled.set(projectId, { directory, device: device ?? host.device(directory) });
      } catch (e) {
        log.error(`Unable to schedule project ${projectId} for reclamation: ${(e as Error).message}`);
      }
    },
    has: (projectId) => scheduled.has(projectId),
    device: (projectId) => scheduled.get(projectId)?.device,
    reclaim() {
      for (const [projectId, { directory, device }] of [...scheduled]) {
        if (existsNoFollow(directory)) continue;
        try {
          host.clearQuota(device, projectId);
        } catch (e) {
          log.error(`Failed to clear quota for '${directory}': ${(e as Error).message}`);
        }
        ids.release(projectId);
        scheduled.delete(projectId);
        log.info(`Reclaimed project ID ${projectId} from '${directory}'`);
      }
    },
  };
}

function existsNoFollow(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
