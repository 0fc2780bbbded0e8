/**
 * waitpid(2) for the container's init, which as PID 1 must reap every process re-parented to it,
 * not only the children Bun spawned. Bun reaps its own children too: whoever gets a child's status
 * first reports it (see the launch helper's reaper).
 */
import { ptr } from "bun:ffi";
import { errno, libc } from "./libc.ts";

export const WNOHANG = 1;

export interface Reaped {
  pid: number;
  /** Raw wait(2) status. */
  status: number;
}

/** Reaps every child that has exited, without blocking. */
export function reapAll(): Reaped[] {
  const c = libc();
  const status = new Int32Array(1);
  const out: Reaped[] = [];
  for (;;) {
    const pid = c.waitpid(-1, ptr(status), WNOHANG);
    if (pid > 0) {
      out.push({ pid, status: status[0]! });
      continue;
    }
    if (pid < 0 && errno() === 4) continue; // EINTR
    return out;
  }
}

/** Decodes a raw wait status. */
export function decodeWaitStatus(status: number): { exitCode?: number; signal?: number } {
  const sig = status & 0x7f;
  if (sig === 0) return { exitCode: (status >> 8) & 0xff };
  return { signal: sig };
}
