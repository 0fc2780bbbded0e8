/**
 * The agent's file API, Mesos's `/files/browse`, `/files/read` and `/files/download`, with its
 * statuses, messages and JSON shapes: browse lists a directory as `[{path, nlink, size, mtime,
 * mode, uid, gid}]` sorted by path; read answers `{offset, data}` for at most 16 pages from
 * `offset` (`offset=-1`: just the size, as `offset`); download sends the raw file. What may be
 * read is decided by a SandboxPaths.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { isMesosError, readColonFile } from "@mesos/core";
import type { Hono } from "hono";
import type { SandboxPaths } from "./sandbox-paths.ts";

/** Mesos reads at most `os::pagesize() * 16` bytes per request. */
const MAX_READ = 4096 * 16;

const text = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export function mountFilesApi(app: Hono, paths: SandboxPaths): void {
  const names = createNameCache();
  const resolved = (raw: string | undefined) => {
    if (!raw) return { error: text(400, "Expecting 'path=value' in query.\n") };
    try {
      const r = paths.resolve(raw);
      return r ? { path: r } : { error: text(404, "") };
    } catch (e) {
      if (isMesosError(e, "invalid")) return { error: text(400, `${e.message}.\n`) };
      throw e;
    }
  };
  app.get(`/files/browse`, (c) => {
    const r = resolved(c.req.query("path"));
    if (r.error) return r.error;
    let entries: string[] = [];
    try {
      entries = readdirSync(r.path.real).sort();
    } catch {
      // Mesos lists nothing for a path that is not a directory.
    }
    const requested = r.path.requested.replace(/\/+$/, "");
    const listing = [];
    for (const entry of entries) {
      let stats: Stats;
      try {
        stats = statSync(join(r.path.real, entry));
      } catch {
        continue;
      }
      listing.push(fileInfo(`${requested}/${entry}`, stats, names));
    }
    return c.json(listing);
  });
  app.get(`/files/read`, (c) => {
    const offsetRaw = c.req.query("offset");
    const lengthRaw = c.req.query("length");
    let offset = -1;
    if (offsetRaw !== undefined) {
      if (!/^-?\d+$/.test(offsetRaw)) return text(400, `Failed to parse offset: Failed to convert '${offsetRaw}' to number.\n`);
      offset = Number(offsetRaw);
      if (offset < -1) return text(400, `Negative offset provided: ${offset}.\n`);
    }
    let length: number | undefined;
    if (lengthRaw !== undefined) {
      if (!/^-?\d+$/.test(lengthRaw)) return text(400, `Failed to parse length: Failed to convert '${lengthRaw}' to number.\n`);
      const n = Number(lengthRaw);
      if (n < -1) return text(400, `Negative length provided: ${n}.\n`);
      if (n > -1) length = n;
    }
    const r = resolved(c.req.query("path"));
    if (r.error) return r.error;
    if (statSync(r.path.real).isDirectory()) return text(400, "Cannot read a directory.\n");
    const fd = openSync(r.path.real, "r");
    try {
      const size = fstatSync(fd).size;
      const from = offset === -1 ? 0 : offset;
      const want = offset === -1 ? 0 : Math.min(length ?? size - from, MAX_READ);
      if (from >= size || want <= 0) return c.json({ offset: offset === -1 ? size : offset, data: "" });
      const buf = Buffer.alloc(want);
      const n = readSync(fd, buf, 0, want, from);
      return c.json({ offset, data: buf.subarray(0, n).toString("utf8") });
    } finally {
      closeSync(fd);
    }
  });
  app.get(`/files/download`, (c) => {
    const r = resolved(c.req.query("path"));
    if (r.error) return r.error;
    if (statSync(r.path.real).isDirectory()) return text(400, "Cannot download a directory.\n");
    const name = r.path.requested.split("/").pop() ?? "file";
    return new Response(Bun.file(r.path.real), {
      headers: { "Content-Type": "application/octet-stream", "Content-Disposition": `attachment; filename=${name}` },
    });
  });
}

/** Mesos's FileInfo model: mode as `ls -l` writes it, owner and group by name when they have one. */
function fileInfo(path: string, s: Stats, names: ReturnType<typeof createNameCache>) {
  return {
    path,
    nlink: s.nlink,
    size: s.size,
    mtime: Math.floor(s.mtimeMs / 1000),
    mode: modeString(s),
    uid: names.user(s.uid),
    gid: names.group(s.gid),
  };
}

function modeString(s: Stats): string {
  const type = s.isFile()
    ? "-"
    : s.isDirectory()
      ? "d"
      : s.isCharacterDevice()
        ? "c"
        : s.isBlockDevice()
          ? "b"
          : s.isFIFO()
            ? "p"
            : s.isSymbolicLink()
              ? "l"
              : s.isSocket()
                ? "s"
                : "-";
  const bits = "rwxrwxrwx";
  let out = type;
  for (let i = 0; i < 9; i++) out += s.mode & (1 << (8 - i)) ? bits[i] : "-";
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
