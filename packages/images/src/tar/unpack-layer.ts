/**
 * Writes one layer's tar stream into a directory, safely: no entry escapes the directory (see
 * scoped-path.ts), hard links point only inside it, owners, modes, times and xattrs are kept when
 * we run as root, device nodes are skipped when we do not. Whiteouts (`.wh.NAME` hides NAME of the
 * layers below, `.wh..wh..opq` hides all of a directory's lower content) are either turned into
 * overlayfs's own form (a 0:0 character device; the `trusted.overlay.opaque` xattr) or kept as
 * files for the copy backend to apply.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
  chmodSync,
} from "node:fs";
import { invalid, type Logger, silentLogger } from "@mesos/core";
import { makedev, mknod, S_IFBLK, S_IFCHR, S_IFIFO, setXattr } from "@mesos/linux";
import { Digester, verifyDigest } from "../digest.ts";
import { decompress } from "./decompress.ts";
import { entryComponents, resolveDirectory } from "./scoped-path.ts";
import { readTar, type TarEntry } from "./tar-reader.ts";

export type WhiteoutFormat = "overlay" | "files";

export const WHITEOUT_PREFIX = ".wh.";
export const OPAQUE_WHITEOUT = ".wh..wh..opq";

export interface UnpackOptions {
  whiteouts: WhiteoutFormat;
  /** Root: keep owners, make device nodes, set trusted.* xattrs. */
  privileged: boolean;
  /** The digest of the uncompressed tar (an image config's `rootfs.diff_ids` entry), checked at the end. */
  diffId?: string;
  log?: Logger;
}

export interface UnpackResult {
  entries: number;
  skippedDevices: number;
}

/** Unpacks a layer blob (gzip, zstd or plain tar) into `root`. */
export async function unpackLayer(blob: AsyncIterable<Uint8Array>, root: string, opts: UnpackOptions): Promise<UnpackResult> {
  const log = opts.log ?? silentLogger;
  const result: UnpackResult = { entries: 0, skippedDevices: 0 };
  // Directory modes and times are set last: adding entries changes a directory's mtime, and a
  // read-only directory would refuse its own entries.
  const directories: { path: string; entry: TarEntry }[] = [];

  const diff = opts.diffId ? Digester.for(opts.diffId) : undefined;
  const tar = diff ? hashed(decompress(blob), diff) : decompress(blob);
  await readTar(tar, async (entry, body) => {
    result.entries++;
    const what = `layer entry '${entry.path}'`;
    const parts = entryComponents(entry.path);
    if (parts.length === 0) {
      if (entry.type === "directory") directories.push({ path: root, entry });
      return;
    }
    const name = parts[parts.length - 1]!;
    const parent = resolveDirectory(root, parts.slice(0, -1), true, what);
    const path = `${parent}/${name}`;

    if (name.startsWith(WHITEOUT_PREFIX) && opts.whiteouts === "overlay") {
      if (name === OPAQUE_WHITEOUT) setXattr(parent, "trusted.overlay.opaque", "y");
      else if (!name.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
        const hidden = `${parent}/${name.slice(WHITEOUT_PREFIX.length)}`;
        removeExisting(hidden);
        mknod(hidden, S_IFCHR, makedev(0, 0));
      }
      return;
    }

    if (entry.type === "directory") {
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) unlinkSync(path);
      if (!st?.isDirectory()) mkdirSync(path, { mode: 0o755 });
      directories.push({ path, entry });
      return;
    }
    removeExisting(path);
    switch (entry.type) {
      case "file":
        await writeFile(path, entry, body, opts.privileged);
        break;
      case "hardlink": {
        const targetParts = entryComponents(entry.linkname);
        if (targetParts.length === 0) throw invalid(`${what}: hard link to the root`);
        const targetDir = resolveDirectory(root, targetParts.slice(0, -1), false, `${what} (link target '${entry.linkname}')`);
        const target = `${targetDir}/${targetParts[targetParts.length - 1]}`;
        const st = lstatSync(target, { throwIfNoEntry: false });
        if (!st) throw invalid(`${what}: hard link target '${entry.linkname}' is not in the layer`);
        if (st.isDirectory()) throw invalid(`${what}: hard link to a directory`);
        linkSync(target, path);
        break;
      }
      case "symlink":
        symlinkSync(entry.linkname, path);
        if (opts.privileged) lchownSync(path, entry.uid, entry.gid);
        lutimesSync(path, entry.mtime, entry.mtime);
        break;
      case "char":
      case "block":
      case "fifo":
        if (entry.type !== "fifo" && !opts.privileged) {
          result.skippedDevices++;
          log.debug(`Skipped device node '${entry.path}' (not running as root)`);
          return;
        }
        mknod(
          path,
          (entry.type === "char" ? S_IFCHR : entry.type === "block" ? S_IFBLK : S_IFIFO) | entry.mode,
          makedev(entry.devmajor, entry.devminor),
        );
        if (opts.privileged) lchownSync(path, entry.uid, entry.gid);
        chmodSync(path, entry.mode);
        utimesSync(path, entry.mtime, entry.mtime);
        break;
    }
    if (entry.type !== "symlink") applyXattrs(path, entry, opts.privileged, log);
  });

  if (diff) verifyDigest("the uncompressed layer (its diff_id)", opts.diffId!, diff.digest());
  for (const { path, entry } of directories.reverse()) {
    if (opts.privileged) lchownSync(path, entry.uid, entry.gid);
    chmodSync(path, entry.mode);
    applyXattrs(path, entry, opts.privileged, log);
    utimesSync(path, entry.mtime, entry.mtime);
  }
  return result;
}

async function* hashed(source: AsyncIterable<Uint8Array>, digester: Digester): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    digester.update(chunk);
    yield chunk;
  }
}

function removeExisting(path: string): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) rmSync(path, { recursive: true, force: true });
  else unlinkSync(path);
}

async function writeFile(path: string, entry: TarEntry, body: AsyncIterable<Uint8Array>, privileged: boolean): Promise<void> {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    for await (const chunk of body) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    }
    // chown first: it clears setuid/setgid bits, which the chmod then sets.
    if (privileged) fchownSync(fd, entry.uid, entry.gid);
    fchmodSync(fd, entry.mode);
    futimesSync(fd, entry.mtime, entry.mtime);
  } finally {
    closeSync(fd);
  }
}

/** Extended attributes from PAX headers (file capabilities, SELinux labels); only user.* without root. */
function applyXattrs(path: string, entry: TarEntry, privileged: boolean, log: Logger): void {
  for (const [name, value] of Object.entries(entry.xattrs)) {
    if (!privileged && !name.startsWith("user.")) continue;
    try {
      setXattr(path, name, value);
    } catch (e) {
      log.debug(`Could not set xattr '${name}' on '${entry.path}': ${(e as Error).message}`);
    }
  }
}
