/**
 * Kills what containers a test left running. Stopping an agent leaves its containers for the next
 * agent to recover (Mesos's design), so tests that are done with an agent sweep its directories:
 * every launch helper (`mesos __launch --launch_info=PATH`) whose PATH lies under one of them (or,
 * for a prestarted helper, `mesos __launch --prestarted`, which holds its runtime directory open),
 * with all its descendants (the task, whatever the task started), and any process still working in
 * one of them (an orphaned task of the posix launcher, whose helper is gone).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** SIGKILLs the containers under `roots` and waits (up to `timeoutMs`) until they are gone; returns how many processes it killed. */
export async function killContainersUnder(roots: Iterable<string>, timeoutMs = 5000): Promise<number> {
  const prefixes = [...roots].map((r) => (r.endsWith("/") ? r : `${r}/`));
  if (prefixes.length === 0) return 0;
  const under = (path: string | undefined) => path !== undefined && prefixes.some((p) => path.startsWith(p) || `${path}/` === p);
  const victims = new Set<number>();
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const args = cmdline(pid);
    if (!args) continue; // gone, or a kernel thread
    const launchInfo = args.find((a) => a.startsWith("--launch_info="))?.slice("--launch_info=".length);
    const ours = args.includes("__launch") ? under(launchInfo) || openFiles(pid).some(under) : under(cwd(pid));
    if (ours) for (const p of withDescendants(pid)) victims.add(p);
  }
  for (const pid of victims) kill(pid);
  const deadline = Date.now() + timeoutMs;
  while ([...victims].some(isAlive) && Date.now() < deadline) await Bun.sleep(10);
  return victims.size;
}

function listPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function cmdline(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return text ? text.split("\0") : undefined;
  } catch {
    return undefined;
  }
}

function openFiles(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [readlinkSync(`/proc/${pid}/fd/${fd}`)];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

function cwd(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** `pid` and every process below it (children of all its threads, recursively). */
function withDescendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.pop()!;
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {}
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").split(/\s+/).filter(Boolean)) queue.push(Number(child));
      } catch {}
    }
  }
  return out;
}

/** Alive and not a zombie (a zombie waits for its parent, which may be a test's process). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
}
