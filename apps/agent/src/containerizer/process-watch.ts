/**
 * Waiting for a process that is not our child (a container helper recovered after an agent
 * restart). Linux offers no portable wait for non-children here, so we poll for the pid, as
 * Mesos's reaper does.
 */
import { readFileSync } from "node:fs";
import type { Clock } from "@mesos/core";

export function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie still answers kill(0); treat it as gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Resolves when `pid` is gone; never, once `signal` aborts (the polling stops then). */
export function waitForExit(pid: number, clock: Clock, intervalMs = 200, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: { cancel(): void } | undefined;
    signal?.addEventListener("abort", () => timer?.cancel(), { once: true });
    const check = () => {
      if (signal?.aborted) return;
      if (isAlive(pid)) timer = clock.setTimeout(check, intervalMs);
      else resolve();
    };
    check();
  });
}
