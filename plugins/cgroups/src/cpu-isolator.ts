/**
 * `cgroups/cpu`: CPU shares (weight on v2) from the container's `cpus`, a CFS quota with
 * `--cgroups_enable_cfs`, and CPU time statistics (cpuacct on v1, cpu.stat on v2).
 *
 * v1: cpu.shares = 1024 x cpus (at least 2); cpu.cfs_quota_us = cpus x cpu.cfs_period_us (100 ms,
 *     at least 1 ms). Usage from cpuacct.stat (USER_HZ ticks) and cpu.stat (throttling).
 * v2: cpu.weight from the shares (the conversion systemd and crun use); cpu.max = "quota period"
 *     (or "max period"). Usage from cpu.stat (usage_usec, user_usec, system_usec, throttling).
 */
import type { ContainerID, Resource } from "@mesos/proto";
import type { ContainerState, Isolator, StatisticsInit } from "@mesos/plugin-api";
import type { Cgroup } from "./cgroup.ts";
import { type CgroupsHost, recoverCgroups, scalar } from "./cgroups-host.ts";

const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
const CFS_PERIOD_US = 100_000;
const MIN_CFS_QUOTA_US = 1000;
const USER_HZ = 100;

export interface CpuIsolatorOptions {
  host: CgroupsHost;
  enableCfs: boolean;
}

function sharesFor(cpus: number): number {
  return Math.max(MIN_CPU_SHARES, Math.floor(CPU_SHARES_PER_CPU * cpus));
}

/** cgroup v1 shares [2, 262144] to v2 weight [1, 10000]. */
function weightFromShares(shares: number): number {
  return Math.round(1 + ((Math.min(shares, 262144) - 2) * 9999) / 262142);
}

function quotaFor(cpus: number): number {
  return Math.max(MIN_CFS_QUOTA_US, Math.round(CFS_PERIOD_US * cpus));
}

export function createCpuIsolator(options: CpuIsolatorOptions): Isolator {
  const { host } = options;
  const cpu = host.controller("cpu");
  // Usage: cpuacct on v1 (its own hierarchy or shared with cpu), cpu.stat on v2.
  const acct = cpu.version === 1 ? host.controller("cpuacct") : cpu;
  const limits = new Map<string, number>();

  const cgroups = (id: ContainerID): Cgroup[] => {
    const a = host.cgroup("cpu", id);
    const b = host.cgroup(acct.controller, id);
    return a.path === b.path ? [a] : [a, b];
  };

  const apply = (id: ContainerID, resources: readonly Resource[]) => {
    const cpus = scalar(resources, "cpus");
    if (cpus === undefined) return;
    limits.set(id.value, cpus);
    const cg = host.cgroup("cpu", id);
    if (cg.version === 1) {
      cg.write("cpu.shares", sharesFor(cpus));
      if (options.enableCfs) {
        cg.write("cpu.cfs_period_us", CFS_PERIOD_US);
        cg.write("cpu.cfs_quota_us", quotaFor(cpus));
      }
    } else {
      cg.write("cpu.weight", weightFromShares(sharesFor(cpus)));
      cg.write("cpu.max", options.enableCfs ? `${quotaFor(cpus)} ${CFS_PERIOD_US}` : `max ${CFS_PERIOD_US}`);
    }
  };

  return {
    name: "cgroups/cpu",
    supportsNesting: true,

    async recover(states: readonly ContainerState[], orphans: readonly ContainerID[]) {
      await recoverCgroups(host, [...new Set(["cpu", acct.controller])], states, orphans, (id, resources) => {
        const cpus = scalar(resources, "cpus");
        if (cpus !== undefined) limits.set(id, cpus);
      });
    },

    async prepare(config) {
      const id = config.containerId!;
      if (id.parent) return undefined;
      for (const cg of cgroups(id)) cg.create(cg.version === 2 ? ["cpu"] : []);
      apply(id, config.resources);
      return undefined;
    },

    async isolate(id, pid) {
      await Promise.all(cgroups(id).map((cg) => cg.attach(pid)));
    },

    async update(id, resources) {
      if (!id.parent) apply(id, resources);
    },

    async usage(id): Promise<StatisticsInit | undefined> {
      if (id.parent) return undefined;
      const cg = host.cgroup("cpu", id);
      const stats: StatisticsInit = {};
      const cpus = limits.get(id.value);
      if (cpus !== undefined) stats.cpusLimit = cpus;
      const cpuStat = parseFlatKeyed(cg.readOrUndefined("cpu.stat"));
      stats.cpusNrPeriods = cpuStat.nr_periods;
      stats.cpusNrThrottled = cpuStat.nr_throttled;
      if (cg.version === 1) {
        if (cpuStat.throttled_time !== undefined) stats.cpusThrottledTimeSecs = cpuStat.throttled_time / 1e9;
        const acctStat = parseFlatKeyed(host.cgroup(acct.controller, id).readOrUndefined("cpuacct.stat"));
        if (acctStat.user !== undefined) stats.cpusUserTimeSecs = acctStat.user / USER_HZ;
        if (acctStat.system !== undefined) stats.cpusSystemTimeSecs = acctStat.system / USER_HZ;
      } else {
        if (cpuStat.throttled_usec !== undefined) stats.cpusThrottledTimeSecs = cpuStat.throttled_usec / 1e6;
        if (cpuStat.user_usec !== undefined) stats.cpusUserTimeSecs = cpuStat.user_usec / 1e6;
        if (cpuStat.system_usec !== undefined) stats.cpusSystemTimeSecs = cpuStat.system_usec / 1e6;
      }
      stats.processes = cg.pids().length;
      return stats;
    },

    async cleanup(id) {
      if (id.parent) return;
      for (const cg of cgroups(id)) await cg.destroy();
      limits.delete(id.value);
    },
  };
}

/** `key value` lines (cpu.stat, cpuacct.stat, memory.stat, memory.events). */
export function parseFlatKeyed(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}
