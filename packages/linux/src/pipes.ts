/**
 * pipe2(2): a real pipe. Bun.spawn's "pipe" gives the child a socket pair, which programs can tell
 * from a pipe (`[ -p /dev/stdin ]` fails; bash then acts as if interactive and reads ~/.bashrc);
 * Mesos's I/O switchboard gives containers pipes, so the agent makes its own. Both ends are
 * close-on-exec: a child gets one only through Bun.spawn's stdio, which dups it without the flag.
 */
import { ptr } from "bun:ffi";
import { fail } from "./errno.ts";
import { libc } from "./libc.ts";

const O_CLOEXEC = 0o2000000;

export interface Pipe {
  read: number;
  write: number;
}

export function createPipe(): Pipe {
  const fds = new Int32Array(2);
  if (libc().pipe2(ptr(fds), O_CLOEXEC) !== 0) fail("pipe2()");
  return { read: fds[0]!, write: fds[1]! };
}
