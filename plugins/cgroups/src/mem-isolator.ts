/**
 * `cgroups/mem`: a hard memory limit from the container's `mem` (at least 32 MB, as in Mesos),
 * OOM kills reported as a limitation (the agent fails the tasks with
 * REASON_CONTAINER_LIMITATION_MEMORY and this message), and memory statistics.
 *
 * v1: memory.limit_in_bytes and memory.soft_limit_in_bytes (plus memory.memsw.limit_in_bytes with
 *     `--cgroups_limit_swap`); OOM events through an eventfd registered in cgroup.event_control on
 *     memory.oom_control, whose `oom_kill` count is the final word when the container ends.
 * v2: memory.max (memory.swap.max = 0 with `--cgroups_limit_swap`), memory.oom.group = 1 (an OOM
 *     kills the whole container, as v1's destroy does); OOM events from memory.events (`oom_kill`),
 *     watched with inotify.
 */
import { closeSync, openSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { closeFd, eventfd } from "@mesos/linux";
import { type ContainerID, type Resource, ResourceSchema, TaskStatus_Reason } from "@mesos/proto";
import type { ContainerState, Isolator, LimitationInit, StatisticsInit } from "@mesos/plugin-api";
import type { Cgroup } from "./cgroup.ts";
import { type CgroupsHost, recoverCgroups, scalar } from "./cgroups-host.ts";
import { parseFlatKeyed } from "./cpu-isolator.ts";

export const MIN_MEMORY_BYTES = 32 * 1024 * 1024;
const MB = 1024 * 1024;

export interface MemIsolatorOptions {
  host: CgroupsHost;
  limitSwap: boolean;
}

function limitFor(memMb: number): number {
  return Math.max(MIN_MEMORY_BYTES, Math.floor(memMb * MB));
}

export function createMemIsolator(options: MemIsolatorOptions): Isolator {
  const { host } = options;
  host.controller("memory");
  const limits = new Map<string, number>();

  const apply = (id: ContainerID, resources: readonly Resource[]) => {
    const mem = scalar(resources, "mem");
    if (mem === undefined) return;
    const limit = limitFor(mem);
    limits.set(id.value, limit);
    const cg = host.cgroup("memory", id);
    if (cg.version === 1) {
      cg.write("memory.soft_limit_in_bytes", limit);
      cg.write("memory.limit_in_bytes", limit);
      if (options.limitSwap) cg.write("memory.memsw.limit_in_bytes", limit);
    } else {
      cg.write("memory.max", limit);
      if (options.limitSwap && cg.readOrUndefined("memory.swap.max") !== undefined) cg.write("memory.swap.max", 0);
      cg.write("memory.oom.group", 1);
    }
  };

  /** How many times the kernel's OOM killer has struck in the container. */
  const oomKills = (cg: Cgroup): number => {
    const text = cg.readOrUndefined(cg.version === 1 ? "memory.oom_control" : "memory.events");
    const fields = parseFlatKeyed(text);
    return (fields.oom_kill ?? 0) + (cg.version === 2 ? (fields.oom_group_kill ?? 0) : 0);
  };

  const limitation = (id: ContainerID, cg: Cgroup): LimitationInit => {
    const limit = limits.get(id.value);
    const peak = Number(cg.readOrUndefined(cg.version === 1 ? "memory.max_usage_in_bytes" : "memory.peak")?.split("\n")[0] ?? NaN);
    const used = Number.isFinite(peak) ? peak : Number(cg.readOrUndefined(cg.version === 1 ? "memory.usage_in_bytes" : "memory.current") ?? 0);
    const stat = (cg.readOrUndefined("memory.stat") ?? "").trim();
    return {
      reason: TaskStatus_Reason.CONTAINER_LIMITATION_MEMORY,
      message:
        `Memory limit exceeded: Requested: ${limit !== undefined ? formatMb(limit) : "unknown"} Maximum Used: ${formatMb(used)}` +
        (stat ? `\n\nMEMORY STATISTICS: \n${stat}\n` : ""),
      resources: [create(ResourceSchema, { name: "mem", type: 0, role: "*", scalar: { value: Math.ceil(used / MB) } })],
    };
  };

  return {
    name: "cgroups/mem",
    supportsNesting: true,

    async recover(states: readonly ContainerState[], orphans: readonly ContainerID[]) {
      await recoverCgroups(host, ["memory"], states, orphans, (id, resources) => {
        const mem = scalar(resources, "mem");
        if (mem !== undefined) limits.set(id, limitFor(mem));
      });
    },

    async prepare(config) {
      const id = config.containerId!;
      if (id.parent) return undefined;
      const cg = host.cgroup("memory", id);
      cg.create(cg.version === 2 ? ["memory"] : []);
      apply(id, config.resources);
      return undefined;
    },

    async isolate(id, pid) {
      await host.cgroup("memory", id).attach(pid);
    },

    async watch(id, signal) {
      if (id.parent) return new Promise<undefined>((resolve) => signal.addEventListener("abort", () => resolve(undefined), { once: true }));
      const cg = host.cgroup("memory", id);
      return new Promise<LimitationInit | undefined>((resolve) => {
        let done = false;
        const stopListening = cg.version === 1 ? listenV1(cg, check) : listenV2(cg, check);
        function finish(result: LimitationInit | undefined) {
          if (done) return;
          done = true;
          stopListening();
          resolve(result);
        }
        function check() {
          if (oomKills(cg) > 0) finish(limitation(id, cg));
        }
        signal.addEventListener("abort", () => finish(oomKills(cg) > 0 ? limitation(id, cg) : undefined), { once: true });
        if (signal.aborted) finish(oomKills(cg) > 0 ? limitation(id, cg) : undefined);
        else check();
      });
    },

    async update(id, resources) {
      if (!id.parent) apply(id, resources);
    },

    async usage(id): Promise<StatisticsInit | undefined> {
      if (id.parent) return undefined;
      const cg = host.cgroup("memory", id);
      const stats: StatisticsInit = {};
      const limit = limits.get(id.value);
      if (limit !== undefined) stats.memLimitBytes = BigInt(limit);
      const stat = parseFlatKeyed(cg.readOrUndefined("memory.stat"));
      const big = (v: number | undefined) => (v === undefined ? undefined : BigInt(v));
      if (cg.version === 1) {
        stats.memTotalBytes = big(Number(cg.readOrUndefined("memory.usage_in_bytes") ?? 0));
        stats.memSoftLimitBytes = big(Number(cg.readOrUndefined("memory.soft_limit_in_bytes") ?? 0));
        stats.memRssBytes = big(stat.total_rss ?? stat.rss);
        stats.memCacheBytes = big(stat.total_cache ?? stat.cache);
        stats.memMappedFileBytes = big(stat.total_mapped_file ?? stat.mapped_file);
        stats.memSwapBytes = big(stat.total_swap ?? stat.swap);
        stats.memUnevictableBytes = big(stat.total_unevictable ?? stat.unevictable);
        stats.memAnonBytes = big(stat.total_active_anon !== undefined ? stat.total_active_anon + (stat.total_inactive_anon ?? 0) : undefined);
        stats.memFileBytes = big(stat.total_active_file !== undefined ? stat.total_active_file + (stat.total_inactive_file ?? 0) : undefined);
      } else {
        stats.memTotalBytes = big(Number(cg.readOrUndefined("memory.current") ?? 0));
        stats.memRssBytes = big(stat.anon);
        stats.memAnonBytes = big(stat.anon);
        stats.memFileBytes = big(stat.file);
        stats.memCacheBytes = big(stat.file);
        stats.memMappedFileBytes = big(stat.file_mapped);
        stats.memUnevictableBytes = big(stat.unevictable);
        const swap = cg.readOrUndefined("memory.swap.current");
        if (swap !== undefined) stats.memSwapBytes = BigInt(Number(swap));
      }
      return stats;
    },

    async cleanup(id) {
      if (id.parent) return;
      await host.cgroup("memory", id).destroy();
      limits.delete(id.value);
    },
  };
}

/**
 * v1: an eventfd the kernel signals on every OOM in the cgroup, and once more when the cgroup is
 * removed: that last event ends the reader (cancelling a read of it costs milliseconds of the
 * agent's thread, so stopping only marks it and leaves the rest to the cgroup's removal).
 */
function listenV1(cg: Cgroup, onEvent: () => void): () => void {
  let stopped = false;
  try {
    const efd = eventfd();
    const control = openSync(join(cg.path, "memory.oom_control"), "r");
    try {
      cg.write("cgroup.event_control", `${efd} ${control}`);
    } finally {
      closeSync(control);
    }
    const reader = Bun.file(efd).stream().getReader();
    void (async () => {
      try {
        while (!stopped && cg.exists()) {
          const { done } = await reader.read();
          if (done) break;
          if (!stopped) onEvent();
        }
      } catch {
      } finally {
        // No read is pending now: cancelling is cheap, and releases Bun's own copy of the fd.
        await reader.cancel().catch(() => {});
        closeFd(efd);
      }
    })();
  } catch {
    // Without notifications the final check still catches an OOM kill that ended the container.
  }
  return () => {
    stopped = true;
  };
}

/** v2: memory.events changes raise inotify events. */
function listenV2(cg: Cgroup, onEvent: () => void): () => void {
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(join(cg.path, "memory.events"), () => onEvent());
  } catch {}
  return () => watcher?.close();
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / MB) * 100) / 100}MB`;
}
