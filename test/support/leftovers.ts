/**
 * Tests stop agents the way a crash would (containers keep running), so every test agent's runtime
 * dir is remembered and whatever still runs there is killed after each test file.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const runtimeDirs = new Set<string>();

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
        try {
          process.kill(-pid, "SIGKILL");
        } catch {}
      }
    }
  }
  runtimeDirs.clear();
}
