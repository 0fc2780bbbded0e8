/**
 * The `disk/xfs` isolator (Mesos 1.8, with its persistent-volume support). Each sandbox gets the
 * lowest free XFS project id in `--xfs_project_range`, set on its tree with PROJINHERIT, and a
 * project quota of the container's plain disk; each persistent volume directory gets an id of its
 * own (kept on the directory, so it survives task and agent restarts) and a quota of its size,
 * applied whenever a container using the volume is prepared or updated (so GROW_VOLUME and
 * SHRINK_VOLUME reach the kernel with the next task that mounts it); MOUNT disks get none.
 *
 * Policies (quota-policy.ts): accounting, passive (the kernel refuses writes past the quota) and
 * active (soft limit + 10 MB hard; a container over its soft limit is killed with
 * REASON_CONTAINER_LIMITATION_DISK, checked every --container_disk_watch_interval).
 *
 * Ids are not freed at cleanup but when the directory is gone (reclamation.ts, every
 * --disk_watch_interval). Recovery finds the ids on disk: recover.ts.
 */
import { create } from "@bufbuild/protobuf";
import { type Clock, conflict, type TimerHandle, isMountDisk, isPersistentVolume, type Logger, persistentVolumePath } from "@mesos/core";
import { containerIdString, type Isolator, type LimitationInit, type StatisticsInit } from "@mesos/plugin-api";
import { type ContainerID, type Resource, ResourceSchema, TaskStatus_Reason, Value_Type } from "@mesos/proto";
import { type ContainerInfo, containerUsage, newContainerInfo, type PathInfo } from "./container-info.ts";
import type { DiskXfsFlags } from "./flags.ts";
import { createProjectIds, parseProjectRange, type ProjectIds } from "./project-ids.ts";
import { exceedsSoftLimit, limitationMessage, MB, megabytes, type QuotaPolicy, quotaLimits, quotaPolicy, sandboxQuota } from "./quota-policy.ts";
import { createReclamation } from "./reclamation.ts";
import { recoverProjects } from "./recover.ts";
import { checkDiskXfsHost, checkXfsPath, pathDiskRoots } from "./startup-checks.ts";
import { systemXfsHost, type XfsHost } from "./xfs-host.ts";

export const DISK_XFS_ISOLATOR = "disk/xfs";

export interface DiskXfsIsolatorOptions {
  flags: DiskXfsFlags;
  workDir: string;
  /** `--resources` and `--default_role`: the start-up checks look at its PATH disks. */
  resources?: string;
  defaultRole?: string;
  clock: Clock;
  log: Logger;
  host?: XfsHost;
}

export interface DiskXfsIsolator extends Isolator {
  readonly policy: QuotaPolicy;
  readonly projectIds: ProjectIds;
  /** One pass of the active policy's soft-limit check (the loop runs it every interval). */
  checkLimits(): void;
  /** One pass of reclamation (the loop runs it every --disk_watch_interval). */
  reclaim(): void;
  /** Ends the check and reclamation loops (the agent, or the plugin's server, stops). */
  close(): void;
}

export function createDiskXfsIsolator(options: DiskXfsIsolatorOptions): DiskXfsIsolator {
  const { flags, workDir, clock, log } = options;
  const host = options.host ?? systemXfsHost;
  const ids = createProjectIds(parseProjectRange(flags.xfs_project_range));
  for (const w of checkDiskXfsHost(host, { workDir, resources: options.resources, defaultRole: options.defaultRole ?? "*" })) log.warn(w);
  const policy = quotaPolicy(flags);
  log.info(`Allocating ${ids.total} XFS project IDs from the range ${ids.range} (${policy} quota policy)`);

  const infos = new Map<string, ContainerInfo>();
  const reclamation = createReclamation({ host, ids, log });

  const exhausted = (what: string) =>
    conflict(
      `Failed to assign project ID${what}, range exhausted: every ID of --xfs_project_range ${ids.range} is in use ` +
        "(an ID is reclaimed after the sandbox or volume holding it is removed, at the next --disk_watch_interval)",
    );

  function applyQuota(path: string, p: PathInfo): { soft: number; hard: number } | undefined {
    const limits = quotaLimits(policy, p.quota);
    try {
      p.device ??= host.device(path);
      if (limits) host.setQuota(p.device, p.projectId, limits.soft, limits.hard);
      else host.clearQuota(p.device, p.projectId);
    } catch (e) {
      throw new Error(`Failed to ${limits ? "update" : "clear"} quota for project ${p.projectId}: ${(e as Error).message}`);
    }
    return limits;
  }

  function assign(directory: string, projectId: number): void {
    try {
      host.setProjectId(directory, projectId);
    } catch (e) {
      throw new Error(`Failed to assign project ${projectId}: ${(e as Error).message}`);
    }
    log.info(`Assigned project ${projectId} to '${directory}'`);
  }

  /** A persistent volume's project: the one on its directory, or a new one. */
  function volumeProject(directory: string, volume: Resource): number {
    const volumeId = volume.disk!.persistence!.id;
    let projectId = host.getProjectId(directory);
    if (projectId !== undefined && !reclamation.has(projectId)) {
      // Not one we assigned or recovered (e.g. set by hand): keep it, and account for it.
      log.warn(`Volume '${volumeId}' at '${directory}' has project ${projectId}, which this isolator did not assign; keeping it`);
      ids.take(projectId);
      reclamation.schedule(projectId, directory);
    }
    if (projectId === undefined) {
      checkXfsPath(host, directory, `persistent volume '${volumeId}'`);
      projectId = ids.next();
      if (projectId === undefined) throw exhausted(` for volume '${volumeId}'`);
      try {
        assign(directory, projectId);
      } catch (e) {
        ids.release(projectId);
        throw e;
      }
      reclamation.schedule(projectId, directory);
    }
    return projectId;
  }

  async function update(containerId: ContainerID, resources: readonly Resource[]): Promise<void> {
    const key = containerIdString(containerId);
    const info = infos.get(key);
    if (!info) return log.debug(`Ignoring update for unknown container ${key}`);
    const sandboxBytes = sandboxQuota(resources);
    if (sandboxBytes !== undefined) {
      const p = info.paths.get(info.sandbox)!;
      p.quota = sandboxBytes;
      const limits = applyQuota(info.sandbox, p);
      log.info(`Set quota on container ${key} for project ${p.projectId} to ${limits ? `${limits.soft}/${limits.hard}` : "none (accounting)"}`);
    }
    for (const volume of resources) {
      if (!isPersistentVolume(volume)) continue;
      const size = megabytes(volume.scalar?.value ?? 0);
      const directory = persistentVolumePath(workDir, volume);
      if (isMountDisk(volume)) {
        // Never subdivided and maybe not XFS: tracked for usage statistics only.
        info.paths.set(directory, { quota: size, projectId: 0, disk: volume.disk });
        continue;
      }
      const p: PathInfo = { quota: size, projectId: volumeProject(directory, volume), disk: volume.disk };
      p.device = reclamation.device(p.projectId);
      const limits = applyQuota(directory, p);
      info.paths.set(directory, p);
      log.info(
        `Set quota on volume ${volume.disk!.persistence!.id} for project ${p.projectId} to ${limits ? `${limits.soft}/${limits.hard}` : "none"}`,
      );
    }
  }

  function limit(info: ContainerInfo, l: LimitationInit): void {
    info.limitation = l;
    for (const w of [...info.waiters]) w(l);
    info.waiters.clear();
  }

  function checkLimits(): void {
    for (const [key, info] of infos) {
      for (const [directory, p] of info.paths) {
        if (p.projectId === 0 || info.limitation) continue;
        let quota: ReturnType<XfsHost["getQuota"]>;
        try {
          p.device ??= host.device(directory);
          quota = host.getQuota(p.device, p.projectId);
        } catch (e) {
          log.warn(`Failed to check disk usage for container '${key}' in '${directory}': ${(e as Error).message}`);
          continue;
        }
        // A soft limit of 0 is no limit (a container without disk resources): nothing to cross.
        if (!quota || quota.softLimit === 0 || !exceedsSoftLimit(quota.used, quota.softLimit)) continue;
        const volumeId = p.disk?.persistence?.id;
        const message = limitationMessage(quota.used, quota.softLimit, volumeId);
        log.info(
          `Container ${key} disk usage ${quota.used} exceeded quota ${quota.softLimit}${volumeId ? ` for volume '${volumeId}'` : ""} in '${directory}'`,
        );
        const resource = create(ResourceSchema, {
          name: "disk",
          type: Value_Type.SCALAR,
          scalar: { value: Math.floor(quota.used / MB) },
          disk: p.disk,
        });
        limit(info, { resources: [resource], message, reason: TaskStatus_Reason.CONTAINER_LIMITATION_DISK });
      }
    }
  }

  async function cleanup(containerId: ContainerID): Promise<void> {
    const key = containerIdString(containerId);
    const info = infos.get(key);
    if (!info) return;
    for (const [directory, p] of info.paths) {
      if (p.projectId !== 0 && !reclamation.has(p.projectId)) reclamation.schedule(p.projectId, directory, p.device);
    }
    for (const w of info.waiters) w(undefined);
    infos.delete(key);
  }

  const timers: TimerHandle[] = [];
  let closed = false;
  const every = (ms: number, run: () => void) => {
    const slot = timers.length;
    const tick = () => {
      if (closed) return;
      try {
        run();
      } catch (e) {
        log.error(`disk/xfs: ${(e as Error).message}`);
      }
      timers[slot] = clock.setTimeout(tick, ms);
    };
    timers.push(clock.setTimeout(tick, ms));
  };
  if (policy === "active") every(flags.container_disk_watch_interval, checkLimits);
  every(flags.disk_watch_interval, reclamation.reclaim);

  return {
    name: DISK_XFS_ISOLATOR,
    // Nested containers live in their parent's sandbox, whose project they inherit.
    supportsNesting: false,
    policy,
    projectIds: ids,
    checkLimits,
    reclaim: reclamation.reclaim,
    close() {
      closed = true;
      for (const t of timers) t.cancel();
    },

    async recover(states, orphans) {
      const volumeRoots = [workDir, ...pathDiskRoots(options.resources, options.defaultRole ?? "*", workDir)];
      await recoverProjects({ workDir, volumeRoots, log, host, ids, infos, schedule: reclamation.schedule, update, cleanup }, states, orphans);
    },

    async prepare(config) {
      const key = containerIdString(config.containerId!);
      if (infos.has(key)) throw conflict("Container has already been prepared");
      const projectId = ids.next();
      if (projectId === undefined) throw exhausted("");
      // Recorded first, so that cleanup schedules the id even if assigning it fails.
      infos.set(key, newContainerInfo(config.directory, projectId));
      assign(config.directory, projectId);
      await update(config.containerId!, config.resources);
      return undefined;
    },

    watch(containerId, signal) {
      const info = infos.get(containerIdString(containerId));
      return new Promise<LimitationInit | undefined>((resolve) => {
        // Containers recovered without a project (the isolator was just enabled) are not watched.
        if (!info) return signal.addEventListener("abort", () => resolve(undefined), { once: true });
        if (info.limitation) return resolve(info.limitation);
        const done = (l: LimitationInit | undefined) => resolve(l);
        info.waiters.add(done);
        signal.addEventListener("abort", () => (info.waiters.delete(done), resolve(info.limitation)), { once: true });
      });
    },

    update,

    async usage(containerId): Promise<StatisticsInit | undefined> {
      const info = infos.get(containerIdString(containerId));
      if (!info) return undefined;
      return containerUsage(host, info);
    },

    cleanup,

    async metrics() {
      return {
        "containerizer/mesos/disk/project_ids_total": ids.total,
        "containerizer/mesos/disk/project_ids_free": ids.free(),
      };
    },
  };
}
