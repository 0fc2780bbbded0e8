/**
 * Mesos's `Files`: what a process lets callers browse and read (an agent's executor sandboxes, a
 * master's log). One implementation behind both `/files/*` (files-http.ts) and the operator calls
 * LIST_FILES and READ_FILE. Which paths exist is a FileRoots' decision; everything here works on
 * the real path it resolves to. Errors are core's: invalid (400), not_found (404).
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import { invalid, isMesosError, notFound, readColonFile } from "@mesos/core";

/** Mesos reads at most `os::pagesize() * 16` bytes per request. */
export const MAX_READ = 4096 * 16;

export interface ResolvedPath {
  /** The path on disk, symlinks resolved. */
  real: string;
  /** The path as the caller wrote it (listings are named under it). */
  requested: string;
}

export interface FileRoots {
  /** The real path `requested` names; undefined if it names nothing servable. Throws `invalid` for an escape. */
  resolve(requested: string): ResolvedPath | undefined;
  /** The virtual path map, as `/files/debug` shows it: attached path -> real path. */
  attached(): Record<string, string>;
}

/** Mesos's FileInfo, with `mode` as the number stat gives (the v0 JSON renders it as `ls -l` does). */
export interface FileInfo {
  path: string;
  nlink: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  mode: number;
  uid: string;
  gid: string;
}

export interface FileService {
  browse(path: string): FileInfo[];
  /** `length` undefined reads to the end (at most MAX_READ bytes); 0 only asks the size. */
  read(path: string, offset: number, length?: number): { size: number; data: Buffer };
  /** The real path of a file to download (not a directory). */
  locate(path: string): string;
  debug(): Record<string, string>;
}

export function createFileService(roots: FileRoots): FileService {
  const names = createNameCache();
  const resolve = (raw: string): ResolvedPath => {
    if (!raw) throw invalid("Expecting 'path' to be present");
    const r = roots.resolve(raw);
    if (!r) throw notFound(`'${raw}' not found`);
    return r;
  };
  return {
    browse(path) {
      const r = resolve(path);
      let entries: string[] = [];
      try {
        entries = readdirSync(r.real);
      } catch {
        // Mesos lists nothing for a path that is not a directory.
      }
      const requested = r.requested.replace(/\/+$/, "");
      const listing: FileInfo[] = [];
      for (const entry of entries.sort()) {
        let stats: Stats;
        try {
          stats = statSync(join(r.real, entry));
        } catch {
          continue;
        }
        listing.push(fileInfo(`${requested}/${entry}`, stats, names));
      }
      return listing;
    },
    read(path, offset, length) {
      const r = resolve(path);
      if (statSync(r.real).isDirectory()) throw invalid("Cannot read a directory");
      const fd = openSync(r.real, "r");
      try {
        const size = fstatSync(fd).size;
        const want = Math.min(length ?? size - offset, MAX_READ);
        if (offset >= size || want <= 0) return { size, data: Buffer.alloc(0) };
        const buf = Buffer.alloc(want);
        const n = readSync(fd, buf, 0, want, offset);
        return { size, data: buf.subarray(0, n) };
      } finally {
        closeSync(fd);
      }
    },
    locate(path) {
      const r = resolve(path);
      if (statSync(r.real).isDirectory()) throw invalid("Cannot download a directory");
      return r.real;
    },
    debug: () => roots.attached(),
  };
}

/** Whether `e` is a file error a caller should see (the rest are bugs). */
export const isFilesError = (e: unknown) => isMesosError(e, "invalid") || isMesosError(e, "not_found");

function fileInfo(path: string, s: Stats, names: ReturnType<typeof createNameCache>): FileInfo {
  return {
    path,
    nlink: s.nlink,
    size: s.size,
    mtime: Math.floor(s.mtimeMs / 1000),
    mode: s.mode,
    uid: names.user(s.uid),
    gid: names.group(s.gid),
  };
}

/** A mode as `ls -l` writes it (`drwxr-xr-x`), as Mesos's v0 JSON has it. */
export function modeString(mode: number): string {
  // S_IFMT bits -> ls's letter (a Map: Biome's fix of numeric object keys mangles octal literals).
  const types = new Map([
    [0o040000, "d"],
    [0o020000, "c"],
    [0o060000, "b"],
    [0o010000, "p"],
    [0o120000, "l"],
    [0o140000, "s"],
  ]);
  const bits = "rwxrwxrwx";
  let out = types.get(mode & 0o170000) ?? "-";
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : "-";
  return out;
}

function createNameCache() {
  let users: Map<number, string> | undefined;
  let groups: Map<number, string> | undefined;
  const load = (file: string) => new Map(readColonFile(file).map((f) => [Number(f[2]), f[0]!]));
  return {
    user: (uid: number) => (users ??= load("/etc/passwd")).get(uid) ?? String(uid),
    group: (gid: number) => (groups ??= load("/etc/group")).get(gid) ?? String(gid),
  };
}
