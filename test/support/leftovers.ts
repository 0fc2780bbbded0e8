/**
 * Tests stop agents the way a crash would (containers keep running), so every test agent's runtime
 * dir is remembered and whatever still runs there is killed after each test file.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";

const runtimeDirs = new Set<string>();
const cgroupsRoots = new Set<string>();

export function trackCgroupsRoot(root: string): void {
  cgroupsRoots.add(root);
}

/** Removes the test cgroup roots (killing whatever still runs in them) in every hierarchy. */
export async function removeTestCgroups(): Promise<void> {
  for (const root of cgroupsRoots) {
    for (const hierarchy of ["cpu", "cpuacct", "memory", "unified"].map((h) => join("/sys/fs/cgroup", h, root))) {
      if (!existsSync(hierarchy)) continue;
      const dirs = [
        ...readdirSync(hierarchy, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(hierarchy, d.name)),
        hierarchy,
      ];
      for (const dir of dirs) {
        // Killed processes leave their cgroup a moment later: retry for a while.
        for (let attempt = 0; attempt < 100; attempt++) {
          killCgroup(dir);
          try {
            rmdirSync(dir);
            break;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === "ENOENT") break;
            await Bun.sleep(10);
          }
        }
      }
    }
  }
  cgroupsRoots.clear();
}

function killCgroup(dir: string): void {
  try {
    for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) kill(Number(pid));
  } catch {}
}

export function trackRuntimeDir(dir: string): void {
  runtimeDirs.add(dir);
}

export function killLeftoverContainers(): void {
  for (const dir of runtimeDirs) {
    const containers = join(dir, "containers");
    if (!existsSync(containers)) continue;
    for (const id of readdirSync(containers)) {
      {
        const file = "pid";
        const path = join(containers, id, file);
        if (!existsSync(path)) continue;
        const pid = Number(readFileSync(path, "utf8"));
        // `pid` is the container's init: with the linux launcher its PID namespace dies with it;
        // with the posix one its children (the task's process group) go first.
        for (const child of childrenOf(pid)) kill(-child);
        kill(-pid);
        kill(pid);
      }
    }
  }
  runtimeDirs.clear();
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
}
