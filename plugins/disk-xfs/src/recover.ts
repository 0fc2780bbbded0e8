/**
 * disk/xfs after an agent restart, as Mesos: the project ids in use are found again on disk, not in
 * a checkpoint. Every sandbox (`WORK_DIR/slaves/* /frameworks/* /executors/* /runs/*`) with a
 * project is tracked again; the ones of containers neither running nor orphaned are cleaned up at
 * once (their ids are then reclaimed when the sandbox goes). Every persistent volume directory with
 * a project keeps it and is scheduled for reclamation when it goes. Beyond Mesos: volumes on PATH
 * disks are scanned too, and running containers get their quota bookkeeping back (their sandbox
 * quota and volumes, from the config they were prepared with), so they are still watched and their
 * usage reports limits.
 */
import { lstatSync } from "node:fs";
import { basename, join } from "node:path";
import { create } from "@bufbuild/protobuf";
import type { Logger } from "@mesos/core";
import { type ContainerState, containerIdString } from "@mesos/plugin-api";
import { type ContainerID, ContainerIDSchema, type Resource } from "@mesos/proto";
import { type ContainerInfo, newContainerInfo } from "./container-info.ts";
import type { ProjectIds } from "./project-ids.ts";
import type { XfsHost } from "./xfs-host.ts";

export interface RecoveryDeps {
  workDir: string;
  /** The work dir and the PATH disk roots: where `volumes/roles/<role>/<id>` directories are. */
  volumeRoots: readonly string[];
  log: Logger;
  host: XfsHost;
  ids: ProjectIds;
  infos: Map<string, ContainerInfo>;
  schedule(projectId: number, directory: string): void;
  update(containerId: ContainerID, resources: readonly Resource[]): Promise<void>;
  cleanup(containerId: ContainerID): Promise<void>;
}

/** Directories (not symlinks such as `runs/latest`) matching a glob under `cwd`. */
function directories(cwd: string, pattern: string): string[] {
  const out: string[] = [];
  try {
    for (const rel of new Bun.Glob(pattern).scanSync({ cwd, onlyFiles: false, followSymlinks: false })) {
      const path = join(cwd, rel);
      try {
        if (lstatSync(path).isDirectory()) out.push(path);
      } catch {}
    }
  } catch {}
  return out.sort();
}

export async function recoverProjects(deps: RecoveryDeps, states: readonly ContainerState[], orphans: readonly ContainerID[]): Promise<void> {
  const { log, host, ids, infos } = deps;
  const alive = new Set(states.map((s) => containerIdString(s.containerId!)));
  const orphaned = new Set(orphans.map(containerIdString));
  const unknown: ContainerID[] = [];

  for (const sandbox of directories(deps.workDir, "slaves/*/frameworks/*/executors/*/runs/*")) {
    const key = basename(sandbox);
    if (infos.has(key)) {
      log.warn(`Container ${key} is already tracked; ignoring its sandbox '${sandbox}'`);
      continue;
    }
    // A sandbox we cannot read the project of means trouble with the host: fail the recovery.
    const projectId = host.getProjectId(sandbox);
    // None: the isolator was just enabled, the container was never given a project.
    if (projectId === undefined) continue;
    infos.set(key, newContainerInfo(sandbox, projectId));
    ids.take(projectId);
    if (!alive.has(key) && !orphaned.has(key)) unknown.push(create(ContainerIDSchema, { value: key }));
  }

  const seen = new Map<number, string>();
  for (const root of deps.volumeRoots) {
    for (const directory of directories(root, "volumes/roles/*/*")) {
      const projectId = host.getProjectId(directory);
      if (projectId === undefined) continue;
      const other = seen.get(projectId);
      if (other) {
        log.error(`Duplicate project ID ${projectId} assigned to '${directory}' and '${other}'; keeping the first`);
        continue;
      }
      seen.set(projectId, directory);
      ids.take(projectId);
      deps.schedule(projectId, directory);
    }
  }

  for (const id of unknown) await deps.cleanup(id);
  for (const state of states) {
    if (!infos.has(containerIdString(state.containerId!))) continue;
    try {
      await deps.update(state.containerId!, state.config?.resources ?? []);
    } catch (e) {
      log.warn(`Failed to restore the disk quota of recovered container ${containerIdString(state.containerId!)}: ${(e as Error).message}`);
    }
  }
  log.info(`Recovered ${infos.size} containers and ${seen.size} persistent volumes with XFS projects; ${ids.free()} of ${ids.total} IDs free`);
}
