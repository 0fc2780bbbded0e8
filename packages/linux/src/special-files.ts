/**
 * What node:fs cannot do for an image layer: device nodes and FIFOs (mknod), overlayfs whiteouts
 * (a 0:0 character device) and extended attributes on the link itself (lsetxattr, lgetxattr).
 */
import { ptr } from "bun:ffi";
import { fail } from "./errno.ts";
import { cString, errno, libc } from "./libc.ts";

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;
const ENODATA = 61;

/** glibc's makedev: the device number of MAJOR:MINOR. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

/** mknod(2); `mode` includes the file type (S_IFCHR, S_IFBLK, S_IFIFO). */
export function mknod(path: string, mode: number, device = 0n): void {
  const p = cString(path);
  if (libc().mknod(p.ptr, mode, device) !== 0) fail(`mknod(${path})`);
}

/** lsetxattr(2): sets `name` on the path itself (not a symlink's target). */
export function setXattr(path: string, name: string, value: Uint8Array | string): void {
  const p = cString(path);
  const n = cString(name);
  const v = typeof value === "string" ? new TextEncoder().encode(value) : value;
  const buf = v.length > 0 ? v : new Uint8Array(1);
  if (libc().lsetxattr(p.ptr, n.ptr, ptr(buf), v.length, 0) !== 0) fail(`lsetxattr(${path}, ${name})`);
}

/** lgetxattr(2): the value, or undefined when the attribute is not set. */
export function getXattr(path: string, name: string): Buffer | undefined {
  const p = cString(path);
  const n = cString(name);
  const buf = new Uint8Array(64 * 1024);
  const len = Number(libc().lgetxattr(p.ptr, n.ptr, ptr(buf), buf.length));
  if (len < 0) {
    if (errno() === ENODATA) return undefined;
    fail(`lgetxattr(${path}, ${name})`);
  }
  return Buffer.from(buf.subarray(0, len));
}
