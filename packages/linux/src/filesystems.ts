/**
 * Which filesystem a path is on: statfs(2) for the kernel's filesystem type and space, the
 * mount table (/proc/self/mountinfo) for the mount, its type name and options, and the block
 * device behind a path (what quotactl(2) wants), found from the path's device number in sysfs.
 */
import { ptr } from "bun:ffi";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { fail } from "./errno.ts";
import { cString, libc } from "./libc.ts";
import { findMountContaining, type MountEntry, readMountTable } from "./mount-table.ts";

/** statfs(2) f_type of XFS ("XFSB"). */
export const XFS_SUPER_MAGIC = 0x58465342;

export interface FilesystemStats {
  /** The kernel's magic number for the filesystem type (f_type). */
  type: number;
  blockSize: number;
  fragmentSize: number;
  blocks: number;
  freeBlocks: number;
}

/** statfs(2). struct statfs on x86_64 and aarch64: eleven 8-byte words then spare space (120 bytes). */
export function statfs(path: string): FilesystemStats {
  const p = cString(path);
  const buf = new BigInt64Array(15);
  if (libc().statfs(p.ptr, ptr(buf)) !== 0) fail(`statfs('${path}')`);
  void p;
  return {
    type: Number(buf[0]!),
    blockSize: Number(buf[1]!),
    blocks: Number(buf[2]!),
    freeBlocks: Number(buf[3]!),
    fragmentSize: Number(buf[9]!),
  };
}

export function isXfs(path: string): boolean {
  return statfs(path).type === XFS_SUPER_MAGIC;
}

/** Bytes in use on the whole filesystem holding `path` (what Mesos's fs::used reports). */
export function filesystemUsedBytes(path: string): number {
  const s = statfs(path);
  return (s.blocks - s.freeBlocks) * (s.fragmentSize || s.blockSize);
}

/** The mount a path is on: the deepest mount point above it (the last one mounted, if stacked). */
export function mountOf(path: string, table: readonly MountEntry[] = readMountTable()): MountEntry | undefined {
  return findMountContaining(table, realpathSync(path));
}

/** `major:minor` of the filesystem a path is on, from its st_dev (glibc's encoding). */
export function deviceNumber(path: string): string {
  const dev = statSync(path, { bigint: true }).dev;
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/**
 * The block device holding `path` (e.g. /dev/loop0), as quotactl(2) needs it: sysfs names the
 * device of the path's device number; the mount table's source is the fallback.
 */
export function blockDeviceOf(path: string): string {
  const number = deviceNumber(path);
  const candidates: string[] = [];
  try {
    const uevent = readFileSync(`/sys/dev/block/${number}/uevent`, "utf8");
    const name = /^DEVNAME=(.+)$/m.exec(uevent)?.[1];
    if (name) candidates.push(`/dev/${name}`);
  } catch {}
  const mount = mountOf(path);
  if (mount?.source.startsWith("/")) candidates.push(mount.source);
  for (const c of candidates) {
    try {
      if (statSync(c).isBlockDevice()) return c;
    } catch {}
  }
  throw new Error(`Unable to get the block device for '${path}' (device ${number}${mount ? `, mounted from '${mount.source}'` : ""})`);
}
