/**
 * File descriptors: a descriptor that must not survive execve (an error pipe, say), and one made a
 * copy of another (stderr pointed at a log file).
 */
import { fail } from "./errno.ts";
import { libc } from "./libc.ts";

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

export function setCloseOnExec(fd: number, on = true): void {
  const c = libc();
  const flags = c.fcntl(fd, F_GETFD, 0);
  if (flags < 0) fail(`fcntl(${fd}, F_GETFD)`);
  if (c.fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) < 0) fail(`fcntl(${fd}, F_SETFD)`);
}

/** Makes descriptor `target` refer to what `fd` refers to (dup3; `target` is closed first if open). */
export function duplicateOnto(fd: number, target: number): void {
  if (libc().dup3(fd, target, 0) < 0) fail(`dup3(${fd}, ${target})`);
}
