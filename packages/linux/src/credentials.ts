/**
 * Becoming the task's user right before execve: supplementary groups, then gid, then uid (in
 * that order: after setresuid a non-root process may no longer change groups). glibc applies
 * these to every thread of the process, as POSIX wants.
 */
import { ptr } from "bun:ffi";
import { fail } from "./errno.ts";
import { libc } from "./libc.ts";

export interface Credentials {
  uid: number;
  gid: number;
  /** Supplementary groups (the primary gid is usually among them). */
  groups: readonly number[];
}

export function switchUser(user: Credentials): void {
  const c = libc();
  const groups = new Uint32Array(user.groups.length > 0 ? user.groups : [user.gid]);
  if (c.setgroups(groups.length, ptr(groups)) !== 0) fail(`setgroups(${[...groups].join(",")})`);
  if (c.setresgid(user.gid, user.gid, user.gid) !== 0) fail(`setresgid(${user.gid})`);
  if (c.setresuid(user.uid, user.uid, user.uid) !== 0) fail(`setresuid(${user.uid})`);
}

/** setsid(2): a new session with this process as its leader (and no controlling terminal). */
export function setsid(): number {
  const sid = libc().setsid();
  if (sid < 0) fail("setsid()");
  return sid;
}

export const PR_SET_CHILD_SUBREAPER = 36;

/** Orphaned descendants are re-parented to this process instead of the namespace's init. */
export function setChildSubreaper(): void {
  if (libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0) fail("prctl(PR_SET_CHILD_SUBREAPER)");
}
