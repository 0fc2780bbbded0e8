/**
 * The files in a container's runtime directory through which the helper and the agent talk across
 * agent restarts: `launch.json` (what was launched; written by the agent), `pid` (the container's
 * init, i.e. the launch helper: PID 1 of the container with the linux launcher; written by the
 * agent, the one place the init's pid is kept), `termination.json` (how the task ended; written by
 * the helper), `io.sock` (the I/O switchboard, served by the helper) and `helper.log` (the
 * helper's stderr). Writes are atomic (write, then rename).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function writeLaunchInfo(info: LaunchInfo): void {
  writeAtomically(runtimePaths(info.runtimeDirectory).launchInfo, JSON.stringify(info));
}

export function readLaunchInfo(path: string): LaunchInfo {
  return JSON.parse(readFileSync(path, "utf8")) as LaunchInfo;
}

/** The launch description in `dir`, or undefined if it was never written (or cannot be read). */
export function readLaunchInfoIn(dir: string): LaunchInfo | undefined {
  try {
    return readLaunchInfo(runtimePaths(dir).launchInfo);
  } catch {
    return undefined;
  }
}

export function writeInitPid(dir: string, pid: number): void {
  writeAtomically(runtimePaths(dir).pid, String(pid));
}

export function readInitPid(dir: string): number | undefined {
  const path = runtimePaths(dir).pid;
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** `dir` may be `/proc/self/fd/N`: the helper keeps the directory open across a pivot into a rootfs. */
export function writeTermination(dir: string, t: Termination): void {
  writeAtomically(runtimePaths(dir).termination, JSON.stringify(t));
}

export function readTermination(dir: string): Termination | undefined {
  try {
    return JSON.parse(readFileSync(runtimePaths(dir).termination, "utf8")) as Termination;
  } catch {
    return undefined;
  }
}
