/**
 * The files in a container's runtime directory through which the helper and the agent talk across
 * agent restarts: `launch.json` (what was launched), `pid` (the container's init, i.e. the launch
 * helper: PID 1 of the container with the linux launcher), `termination.json` (how the task
 * ended), `io.sock` (the I/O switchboard) and `helper.log`. Writes are atomic (write, then rename).
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LaunchInfo } from "./launch-info.ts";
import type { Termination } from "./termination.ts";

export const runtimePaths = (dir: string) => ({
  launchInfo: join(dir, "launch.json"),
  pid: join(dir, "pid"),
  termination: join(dir, "termination.json"),
  ioSocket: join(dir, "io.sock"),
  helperLog: join(dir, "helper.log"),
});

export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function writeLaunchInfo(info: LaunchInfo): string {
  const path = runtimePaths(info.runtimeDirectory).launchInfo;
  writeAtomically(path, JSON.stringify(info));
  return path;
}

export function readLaunchInfo(path: string): LaunchInfo {
  return JSON.parse(readFileSync(path, "utf8")) as LaunchInfo;
}

export function readInitPid(dir: string): number | undefined {
  const path = runtimePaths(dir).pid;
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function readTermination(dir: string): Termination | undefined {
  const path = runtimePaths(dir).termination;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Termination;
  } catch {
    return undefined;
  }
}

/**
 * rm -rf for the small trees the agent removes per container (a runtime directory): unlink and
 * rmdir by hand cost next to nothing, where Bun's recursive rm takes about a millisecond.
 */
export function removeTree(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) removeTree(path);
    else {
      try {
        unlinkSync(path);
      } catch {}
    }
  }
  try {
    rmdirSync(dir);
  } catch {}
}
