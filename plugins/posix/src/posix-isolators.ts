/**
 * `posix/cpu` and `posix/mem` (Mesos's default `--isolation`): no isolation, only usage
 * statistics, summed over the container's process tree as /proc shows it.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { ContainerID } from "@mesos/proto";
import type { Isolator, StatisticsInit } from "@mesos/plugin-api";
import { containerIdString } from "@mesos/plugin-api";

const TICKS = 100;
const PAGE = 4096;

interface ProcStat {
  pid: number;
  ppid: number;
  utime: number;
  stime: number;
  rssPages: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), rssPages: Number(f[21]) };
  } catch {
    return undefined;
  }
}

/** `root` and every process below it. */
function processTree(root: number): ProcStat[] {
  const all: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) all.push(s);
  }
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: ProcStat[] = [];
  const queue = all.filter((s) => s.pid === root);
  while (queue.length > 0) {
    const s = queue.shift()!;
    out.push(s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

function createPosixIsolator(name: "posix/cpu" | "posix/mem", collect: (tree: ProcStat[]) => StatisticsInit): Isolator {
  const pids = new Map<string, number>();
  const key = (id: ContainerID) => containerIdString(id);
  return {
    name,
    supportsNesting: true,
    async recover(states) {
      for (const s of states) pids.set(key(s.containerId!), s.pid);
    },
    async isolate(id, pid) {
      pids.set(key(id), pid);
    },
    async usage(id) {
      const pid = pids.get(key(id));
      if (!pid) return undefined;
      const tree = processTree(pid);
      return { processes: tree.length, ...collect(tree) };
    },
    async cleanup(id) {
      pids.delete(key(id));
    },
  };
}

export const createPosixCpuIsolator = () =>
  createPosixIsolator("posix/cpu", (tree) => ({
    cpusUserTimeSecs: tree.reduce((t, s) => t + s.utime, 0) / TICKS,
    cpusSystemTimeSecs: tree.reduce((t, s) => t + s.stime, 0) / TICKS,
  }));

export const createPosixMemIsolator = () =>
  createPosixIsolator("posix/mem", (tree) => ({ memRssBytes: BigInt(tree.reduce((t, s) => t + s.rssPages, 0) * PAGE) }));
