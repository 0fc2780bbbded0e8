/**
 * Which sockets a process holds: its /proc/PID/fd entries that link to `socket:[INODE]`. With the
 * inodes of listening sockets (listening-sockets.ts) this says which process listens where.
 */
import { readdirSync, readlinkSync } from "node:fs";

/** The socket inodes among `pid`'s open files; undefined if the process is gone (or not ours to read). */
export function socketInodesOf(pid: number, procRoot = "/proc"): number[] | undefined {
  const dir = `${procRoot}/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return undefined;
  }
  const inodes: number[] = [];
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`${dir}/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    if (target.startsWith("socket:[")) inodes.push(Number(target.slice(8, -1)));
  }
  return inodes;
}

/** The ids of every process /proc shows (this PID namespace's view). */
export function listPids(procRoot = "/proc"): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(procRoot)) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(name));
  }
  return pids;
}
