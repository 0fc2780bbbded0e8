/**
 * What the node side of the hostpath plugin does to the host: bind mounts (a MOUNT volume's
 * directory, or a BLOCK volume's loop device node, onto the path the CO asks for) and loop devices
 * (`losetup`) for BLOCK volumes. Needs root (CAP_SYS_ADMIN); the errors say so.
 */
import { existsSync, lstatSync, rmdirSync, unlinkSync } from "node:fs";
import { bindMount, LinuxCallError, listMountPoints, MNT_DETACH, umount2 } from "@mesos/linux";

export function isMountPoint(path: string): boolean {
  return listMountPoints().includes(path);
}

/** Binds `source` onto `target` (created as a directory or an empty file to match), once. */
export function bindOnce(source: string, target: string, readOnly: boolean): void {
  if (isMountPoint(target)) return;
  bindMount(source, target, { readOnly, recursive: false });
}

/** Unmounts everything stacked on `target`; nothing mounted there is fine (idempotent). */
export function unmountAll(target: string): void {
  while (existsSync(target) && isMountPoint(target)) {
    try {
      umount2(target, 0);
    } catch (e) {
      // A busy mount (a process still has a file open) is detached lazily rather than left behind.
      if (e instanceof LinuxCallError && e.code === "EBUSY") umount2(target, MNT_DETACH);
      else throw e;
    }
  }
}

/** Removes an unmounted target (an empty directory or a file); gone already is fine. */
export function removeTarget(path: string): void {
  if (!existsSync(path)) return;
  if (lstatSync(path).isDirectory()) rmdirSync(path);
  else unlinkSync(path);
}

async function losetup(args: string[]): Promise<string> {
  const proc = Bun.spawn(["losetup", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`losetup ${args.join(" ")} failed (exit ${code}): ${err.trim()}`);
  return out.trim();
}

/** The loop device backing `file`, if one is attached. */
async function loopDeviceOf(file: string): Promise<string | undefined> {
  const out = await losetup(["--associated", file]);
  return out ? out.slice(0, out.indexOf(":")) : undefined;
}

/** Attaches `file` to a free loop device (or returns the one already attached). */
export async function attachLoop(file: string): Promise<string> {
  return (await loopDeviceOf(file)) ?? (await losetup(["--find", "--show", file]));
}

export async function detachLoop(file: string): Promise<void> {
  const device = await loopDeviceOf(file);
  if (device) await losetup(["--detach", device]);
}
