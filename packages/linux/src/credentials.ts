/**
 * Becoming the task's user right before execve: supplementary groups, then gid, then uid (in
 * that order: after setresuid a non-root process may no longer change groups). glibc applies
 * these to every thread of the process, as POSIX wants.
 *
 * `keepCapabilities`: the calling thread keeps these capabilities (permitted and effective) across
 * the switch and drops every other one. The launch helper needs CAP_SYS_ADMIN after becoming the
 * task's user, to install the seccomp filter as the very last step (Mesos sets no no_new_privs,
 * and without it the kernel wants CAP_SYS_ADMIN). They do not reach the task: execve as a non-root
 * user recomputes the sets from the file, which has no capabilities, and clears PR_SET_KEEPCAPS.
 */
import { ptr } from "bun:ffi";
import { fail } from "./errno.ts";
import { libc, syscallNumber } from "./libc.ts";

export const PR_SET_KEEPCAPS = 8;
export const CAP_SYS_ADMIN = 21;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

export interface Credentials {
  uid: number;
  gid: number;
  /** Supplementary groups (the primary gid is usually among them). */
  groups: readonly number[];
}

export interface SwitchUserOptions {
  /** Capability numbers (e.g. CAP_SYS_ADMIN) this thread keeps until its execve. */
  keepCapabilities?: readonly number[];
}

export function switchUser(user: Credentials, opts: SwitchUserOptions = {}): void {
  const c = libc();
  const keep = opts.keepCapabilities ?? [];
  const groups = new Uint32Array(user.groups.length > 0 ? user.groups : [user.gid]);
  if (c.setgroups(groups.length, ptr(groups)) !== 0) fail(`setgroups(${[...groups].join(",")})`);
  if (c.setresgid(user.gid, user.gid, user.gid) !== 0) fail(`setresgid(${user.gid})`);
  if (keep.length > 0 && c.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) !== 0) fail("prctl(PR_SET_KEEPCAPS)");
  if (c.setresuid(user.uid, user.uid, user.uid) !== 0) fail(`setresuid(${user.uid})`);
  if (keep.length > 0) setCapabilities(keep);
}

/**
 * capset(2) on the calling thread: exactly `caps` permitted and effective, nothing inheritable.
 * It can only lower the permitted set (raise effective from permitted).
 */
export function setCapabilities(caps: readonly number[]): void {
  const header = new Uint32Array([LINUX_CAPABILITY_VERSION_3, 0]); // { version, pid = this thread }
  const data = new Uint32Array(6); // two { effective, permitted, inheritable } words: caps 0-31, 32-63
  for (const cap of caps) {
    if (!Number.isInteger(cap) || cap < 0 || cap > 63) throw new Error(`capability number ${cap} is out of range`);
    const word = cap < 32 ? 0 : 3;
    const bit = 1 << (cap % 32);
    data[word] |= bit;
    data[word + 1] |= bit;
  }
  const rc = Number(libc().syscall(syscallNumber("capset"), ptr(header), ptr(data), 0, 0, 0, 0));
  if (rc !== 0) fail(`capset(${caps.join(",")})`);
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
