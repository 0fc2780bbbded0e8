/**
 * XFS project ids on files and directories: FS_IOC_FSGETXATTR / FS_IOC_FSSETXATTR (struct fsxattr)
 * through ioctl(2). A directory marked FS_XFLAG_PROJINHERIT passes its project id to everything
 * created in it afterwards, so a sandbox whose tree is marked once keeps counting new files.
 */
import { ptr } from "bun:ffi";
import { closeSync, constants, lstatSync, openSync, readdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { fail } from "./errno.ts";
import { readMountTable } from "./mount-table.ts";
import { libc } from "./libc.ts";

// _IOR('X', 31, struct fsxattr) and _IOW('X', 32, struct fsxattr); struct fsxattr is 28 bytes.
export const FS_IOC_FSGETXATTR = 0x801c581f;
export const FS_IOC_FSSETXATTR = 0x401c5820;
export const FS_XFLAG_PROJINHERIT = 0x200;
const FSXATTR_SIZE = 28;
const XFLAGS = 0;
const PROJID = 12;

/** Project id 0 means "no project" (Mesos uses it as the sentinel too). */
export const NO_PROJECT = 0;

function openNoFollow(path: string, directory: boolean): number {
  // O_NONBLOCK: never hang on a FIFO someone left where we look.
  return openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (directory ? constants.O_DIRECTORY : 0));
}

function getAttributes(fd: number, path: string): DataView {
  const buf = new Uint8Array(FSXATTR_SIZE);
  if (libc().ioctl(fd, FS_IOC_FSGETXATTR, ptr(buf)) !== 0) fail(`ioctl(FS_IOC_FSGETXATTR) on '${path}'`);
  return new DataView(buf.buffer);
}

/** The project id of a file or directory, or undefined if it has none (id 0). Symlinks are not followed. */
export function getProjectId(path: string): number | undefined {
  const fd = openNoFollow(path, lstatSync(path).isDirectory());
  try {
    const id = getAttributes(fd, path).getUint32(PROJID, true);
    return id === NO_PROJECT ? undefined : id;
  } finally {
    closeSync(fd);
  }
}

function setOne(path: string, directory: boolean, projectId: number): void {
  const fd = openNoFollow(path, directory);
  try {
    const attr = getAttributes(fd, path);
    attr.setUint32(PROJID, projectId, true);
    // PROJINHERIT only means something on directories (XFS ignores it elsewhere).
    if (directory) {
      const flags = attr.getUint32(XFLAGS, true);
      attr.setUint32(XFLAGS, projectId === NO_PROJECT ? flags & ~FS_XFLAG_PROJINHERIT : flags | FS_XFLAG_PROJINHERIT, true);
    }
    if (libc().ioctl(fd, FS_IOC_FSSETXATTR, ptr(new Uint8Array(attr.buffer))) !== 0) {
      fail(`ioctl(FS_IOC_FSSETXATTR, project ${projectId}) on '${path}'`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Gives `directory` and every directory and regular file under it the project id (0 clears it),
 * with FS_XFLAG_PROJINHERIT on the directories. Like Mesos, it does not follow symlinks (a linked
 * persistent volume keeps its own project) and stays on one filesystem: other devices and mount
 * points below (bind mounts of the same device included) are skipped. Parents before children, so
 * a file created during the walk inherits the id from its directory.
 */
export function setProjectIdRecursively(directory: string, projectId: number): void {
  const top = lstatSync(directory);
  if (!top.isDirectory()) throw new Error(`'${directory}' is not a directory`);
  const mountPoints = new Set(readMountTable().map((m) => m.target));
  // Mount points are real paths: walk the real path too.
  const walk = (dir: string) => {
    setOne(dir, true, projectId);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isFile()) setOne(path, false, projectId);
      else if (entry.isDirectory() && !mountPoints.has(path) && lstatSync(path).dev === top.dev) walk(path);
    }
  };
  walk(realpathSync(directory));
}
