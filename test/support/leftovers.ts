/**
 * What a test run leaves behind, removed at its end (preload.ts): containers still running under
 * the run's scratch directory (stopping an agent leaves its containers for recovery, by design)
 * and the test cgroup roots.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { join } from "node:path";

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
    for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {}
    }
  } catch {}
}
