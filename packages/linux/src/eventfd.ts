/** eventfd(2): the kernel's way to notify (cgroup v1 OOM events); Bun can read it as a stream. */
import { fail } from "./errno.ts";
import { libc } from "./libc.ts";

const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;

export function eventfd(): number {
  const fd = libc().eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) fail("eventfd()");
  return fd;
}

export function closeFd(fd: number): void {
  libc().close(fd);
}
