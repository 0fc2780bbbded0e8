/**
 * Pseudo-terminals through libc (Bun.Terminal hides its file descriptors, and the container's
 * I/O switchboard must hold the master while the task gets the slave as its controlling terminal).
 */
import { openSync } from "node:fs";
import { CString, ptr } from "bun:ffi";
import { fail } from "./errno.ts";
import { libc } from "./libc.ts";

const O_RDWR = 2;
const O_NOCTTY = 0o400;
const O_CLOEXEC = 0o2000000;
export const TIOCSCTTY = 0x540e;
export const TIOCSWINSZ = 0x5414;
export const TIOCGWINSZ = 0x5413;

export interface Pty {
  /** The master side: the switchboard reads the task's output from it and writes its input. */
  master: number;
  /** The slave side: the task's stdin, stdout and stderr. */
  slave: number;
  path: string;
}

export function openPty(size?: { rows: number; columns: number }): Pty {
  const c = libc();
  const master = c.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("posix_openpt()");
  if (c.grantpt(master) !== 0) fail("grantpt()");
  if (c.unlockpt(master) !== 0) fail("unlockpt()");
  const buf = new Uint8Array(128);
  const rc = c.ptsname_r(master, ptr(buf), buf.length);
  if (rc !== 0) fail("ptsname_r()");
  const path = new CString(ptr(buf)).toString();
  const slave = openSync(path, O_RDWR | O_NOCTTY);
  if (size) setWindowSize(master, size.rows, size.columns);
  return { master, slave, path };
}

export function setWindowSize(fd: number, rows: number, columns: number): void {
  const ws = new Uint16Array([rows, columns, 0, 0]);
  if (libc().ioctl(fd, TIOCSWINSZ, ptr(ws)) !== 0) fail("ioctl(TIOCSWINSZ)");
}

export function getWindowSize(fd: number): { rows: number; columns: number } {
  const ws = new Uint16Array(4);
  if (libc().ioctl(fd, TIOCGWINSZ, ptr(ws)) !== 0) fail("ioctl(TIOCGWINSZ)");
  return { rows: ws[0]!, columns: ws[1]! };
}

/** Makes terminal `fd` the controlling terminal of this process (a session leader without one). */
export function setControllingTerminal(fd: number): void {
  if (libc().ioctl(fd, TIOCSCTTY, null) !== 0) fail("ioctl(TIOCSCTTY)");
}
