/**
 * Linux namespaces for containers: unshare(2) and setns(2) on the calling thread.
 *
 * Namespaces belong to threads, and Bun runs several. What that means here:
 * - unshare(CLONE_NEWPID) / setns(pid) only change which PID namespace the calling thread's NEXT
 *   child is born into; the caller itself never moves. The agent uses that on its JS thread around
 *   one Bun.spawn, then goes back with `restorePidNamespace` (see `spawnInPidNamespace`).
 * - unshare(CLONE_NEWNS) gives the calling thread a private copy of the mount table (it also
 *   unshares the thread's fs_struct); Bun's other threads keep the old one.
 * - setns into a mount namespace refuses a thread that shares its fs_struct (every thread of a
 *   multi-threaded process does), so `enterNamespaces` unshares CLONE_FS first.
 */
import { openSync, closeSync, readlinkSync } from "node:fs";
import { fail } from "./errno.ts";
import { libc } from "./libc.ts";

export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_FS = 0x00000200;

/** The namespace kinds by their /proc/PID/ns names. */
export type NamespaceKind = "mnt" | "pid" | "uts" | "ipc" | "net" | "cgroup" | "user";

export const NAMESPACE_FLAGS: Record<NamespaceKind, number> = {
  mnt: CLONE_NEWNS,
  pid: CLONE_NEWPID,
  uts: CLONE_NEWUTS,
  ipc: CLONE_NEWIPC,
  net: CLONE_NEWNET,
  cgroup: CLONE_NEWCGROUP,
  user: CLONE_NEWUSER,
};

export function namespaceFlags(kinds: Iterable<NamespaceKind>): number {
  let flags = 0;
  for (const k of kinds) flags |= NAMESPACE_FLAGS[k];
  return flags;
}

/** unshare(2) on the calling thread. */
export function unshare(flags: number): void {
  if (libc().unshare(flags) !== 0) fail(`unshare(${describeFlags(flags)})`);
}

/** setns(2) on the calling thread; `fd` refers to a /proc/PID/ns/KIND file. */
export function setns(fd: number, kind: NamespaceKind, what = `fd ${fd}`): void {
  if (libc().setns(fd, NAMESPACE_FLAGS[kind]) !== 0) fail(`setns(${what}, ${kind})`);
}

/** The identity of a process's namespace, e.g. `pid:[4026531836]`, or undefined if it is gone. */
export function namespaceId(pid: number | "self", kind: NamespaceKind): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

/**
 * Joins the namespaces of process `pid` on the calling thread, mount last (it needs a private
 * fs_struct, so CLONE_FS is unshared first). The pid kind only affects later children (see above).
 */
export function enterNamespaces(pid: number, kinds: readonly NamespaceKind[]): void {
  const order: NamespaceKind[] = ["ipc", "uts", "net", "cgroup", "pid", "mnt"];
  const fds = new Map<NamespaceKind, number>();
  try {
    for (const k of order) {
      if (!kinds.includes(k)) continue;
      const path = `/proc/${pid}/ns/${k}`;
      try {
        fds.set(k, openSync(path, "r"));
      } catch (e) {
        throw new Error(`cannot open ${path}: ${(e as Error).message}`);
      }
    }
    if (fds.has("mnt")) unshare(CLONE_FS);
    for (const [k, fd] of fds) setns(fd, k, `/proc/${pid}/ns/${k}`);
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
}

let ownPidNamespace: number | undefined;

/**
 * Runs `spawn` (which must create exactly one process, synchronously, on this thread) so that the
 * child is born in a new PID namespace (it is its PID 1), or in the PID namespace of process
 * `joinPid`; then points this thread's children back at its own namespace. Nothing else may run
 * in between: keep `spawn` to one Bun.spawn call.
 */
export function spawnInPidNamespace<T>(target: { new: true } | { joinPid: number }, spawn: () => T): T {
  const c = libc();
  ownPidNamespace ??= openSync("/proc/self/ns/pid", "r");
  if ("joinPid" in target) {
    const fd = openSync(`/proc/${target.joinPid}/ns/pid`, "r");
    try {
      setns(fd, "pid", `/proc/${target.joinPid}/ns/pid`);
    } finally {
      closeSync(fd);
    }
  } else {
    unshare(CLONE_NEWPID);
  }
  try {
    return spawn();
  } finally {
    if (c.setns(ownPidNamespace, CLONE_NEWPID) !== 0) {
      // Later spawns of this process would land in the container: nothing sane is left to do.
      console.error("FATAL: cannot return to the agent's own PID namespace after launching a container");
      process.exit(70);
    }
  }
}

function describeFlags(flags: number): string {
  const names = Object.entries({
    CLONE_FS,
    ...Object.fromEntries(Object.entries(NAMESPACE_FLAGS).map(([k, v]) => [`CLONE_NEW${k === "mnt" ? "NS" : k.toUpperCase()}`, v])),
  })
    .filter(([, v]) => (flags & v) === v)
    .map(([k]) => k);
  return names.length > 0 ? names.join("|") : String(flags);
}
