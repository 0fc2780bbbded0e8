/**
 * mount(2), umount2(2) and pivot_root(2) for the launch helper, which builds a container's
 * filesystem in its own mount namespace: make the tree a slave of the host's (so nothing leaks
 * back), mount a fresh /proc, bind and tmpfs mounts, then pivot into the root filesystem.
 */
import { existsSync, mkdirSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fail } from "./errno.ts";
import { readMountTable } from "./mount-table.ts";
import { cString, libc, syscallNumber } from "./libc.ts";

export const MS_RDONLY = 1;
export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MS_NOEXEC = 8;
export const MS_REMOUNT = 32;
export const MS_BIND = 4096;
export const MS_MOVE = 8192;
export const MS_REC = 16384;
export const MS_PRIVATE = 1 << 18;
export const MS_SLAVE = 1 << 19;
export const MS_SHARED = 1 << 20;
export const MNT_DETACH = 2;

export interface MountCall {
  source?: string;
  target: string;
  fstype?: string;
  flags?: number;
  data?: string;
}

/** mount(2); the error names the call, e.g. `mount(tmpfs on /x, tmpfs) failed: ENOENT (...)`. */
export function mount(m: MountCall): void {
  const src = m.source === undefined ? undefined : cString(m.source);
  const target = cString(m.target);
  const fstype = m.fstype === undefined ? undefined : cString(m.fstype);
  const data = m.data === undefined ? undefined : cString(m.data);
  const rc = libc().mount(src?.ptr ?? null, target.ptr, fstype?.ptr ?? null, m.flags ?? 0, data?.ptr ?? null);
  void [src, target, fstype, data];
  if (rc !== 0) fail(`mount(${m.source ?? "none"} on ${m.target}${m.fstype ? `, ${m.fstype}` : ""})`);
}

export function umount2(target: string, flags = 0): void {
  const t = cString(target);
  if (libc().umount2(t.ptr, flags) !== 0) fail(`umount2(${target})`);
}

/** Mount propagation of the whole tree: changes stay in this namespace, host changes still arrive. */
export function makeRslave(path = "/"): void {
  mount({ target: path, flags: MS_REC | MS_SLAVE });
}

/** A bind mount, remounted read-only if asked (a bind ignores MS_RDONLY on the first call). */
export function bindMount(source: string, target: string, opts: { readOnly?: boolean; recursive?: boolean } = {}): void {
  ensureMountPoint(target, statSync(source).isDirectory());
  mount({ source, target, flags: MS_BIND | (opts.recursive === false ? 0 : MS_REC) });
  if (opts.readOnly) mount({ source, target, flags: MS_BIND | MS_REMOUNT | MS_RDONLY | (opts.recursive === false ? 0 : MS_REC) });
}

/** Creates the directory (or empty file) a mount needs as its target. */
export function ensureMountPoint(target: string, directory: boolean): void {
  if (existsSync(target)) return;
  if (directory) mkdirSync(target, { recursive: true });
  else {
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, "");
  }
}

/** pivot_root(new_root, put_old) then detaches the old root, leaving only `newRoot` visible. */
export function pivotInto(newRoot: string): void {
  // pivot_root needs new_root to be a mount point: bind it onto itself.
  mount({ source: newRoot, target: newRoot, flags: MS_BIND | MS_REC });
  const putOld = join(newRoot, ".pivot_root");
  mkdirSync(putOld, { recursive: true });
  const nr = cString(newRoot);
  const po = cString(putOld);
  const rc = Number(
    libc().syscall(syscallNumber("pivot_root"), BigInt(nr.ptr as unknown as number), BigInt(po.ptr as unknown as number), 0, 0, 0, 0),
  );
  void [nr, po];
  if (rc !== 0) fail(`pivot_root(${newRoot})`);
  chdir("/");
  umount2("/.pivot_root", MNT_DETACH);
  try {
    rmdirSync("/.pivot_root");
  } catch {}
}

export function chdir(path: string): void {
  const p = cString(path);
  if (libc().chdir(p.ptr) !== 0) fail(`chdir(${path})`);
}

export function sethostname(name: string): void {
  const n = cString(name);
  if (libc().sethostname(n.ptr, n.buf.length - 1) !== 0) fail(`sethostname(${name})`);
}

/** This process's mount points, in /proc/self/mountinfo's order (parents first), octal escapes decoded. */
export function listMountPoints(): string[] {
  return readMountTable().map((e) => e.target);
}

/** Makes `path` a shared mount (bound onto itself first if it is not a mount point), so mounts below it propagate to peers. */
export function makeSharedMount(path: string): void {
  if (!listMountPoints().includes(path)) mount({ source: path, target: path, flags: MS_BIND });
  mount({ target: path, flags: MS_SHARED });
}
