/**
 * Mesos's file endpoints over a FileService, with its statuses, messages and JSON shapes:
 * `/files/browse` lists a directory as `[{path, nlink, size, mtime, mode, uid, gid}]` sorted by
 * path; `/files/read` answers `{offset, data}` for at most 16 pages from `offset` (`offset=-1`:
 * just the size, as `offset`); `/files/download` sends the raw file; `/files/debug` the virtual
 * path map. `?jsonp=` is the jsonp middleware's.
 */
import type { Hono } from "hono";
import { isMesosError } from "@mesos/core";
import { type FileInfo, type FileService, isFilesError, modeString } from "./file-service.ts";

const text = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/** A FilesError as Mesos answers it: 400 with the message, 404 with an empty body. */
function failure(e: unknown): Response {
  if (!isFilesError(e)) throw e;
  return isMesosError(e, "not_found") ? text(404, "") : text(400, `${(e as Error).message}.\n`);
}

/** Mesos's JSON model of a FileInfo. */
export const fileInfoJson = (f: FileInfo) => ({
  path: f.path,
  nlink: f.nlink,
  size: f.size,
  mtime: f.mtime,
  mode: modeString(f.mode),
  uid: f.uid,
  gid: f.gid,
});

/** A query integer as Mesos's numify reports a bad one. */
function integer(name: string, raw: string | undefined): number | Response | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) return text(400, `Failed to parse ${name}: Failed to convert '${raw}' to number.\n`);
  const n = Number(raw);
  return n < -1 ? text(400, `Negative ${name} provided: ${n}.\n`) : n;
}

export function mountFilesHttp(app: Hono, files: FileService): void {
  const NO_PATH = "Expecting 'path=value' in query.\n";
  app.get("/files/browse", (c) => {
    const path = c.req.query("path");
    if (!path) return text(400, NO_PATH);
    try {
      return c.json(files.browse(path).map(fileInfoJson));
    } catch (e) {
      return failure(e);
    }
  });
  app.get("/files/read", (c) => {
    const path = c.req.query("path");
    if (!path) return text(400, NO_PATH);
    const offset = integer("offset", c.req.query("offset")) ?? -1;
    if (offset instanceof Response) return offset;
    const length = integer("length", c.req.query("length"));
    if (length instanceof Response) return length;
    try {
      // offset=-1 (the Mesos UI's first request) asks only the size.
      const { size, data } = offset === -1 ? files.read(path, 0, 0) : files.read(path, offset, length === -1 ? undefined : length);
      return c.json({ offset: offset === -1 ? size : offset, data: data.toString("utf8") });
    } catch (e) {
      return failure(e);
    }
  });
  app.get("/files/download", (c) => {
    const path = c.req.query("path");
    if (!path) return text(400, NO_PATH);
    try {
      const real = files.locate(path);
      const name = path.split("/").pop() || "file";
      return new Response(Bun.file(real), {
        headers: { "Content-Type": "application/octet-stream", "Content-Disposition": `attachment; filename=${name}` },
      });
    } catch (e) {
      return failure(e);
    }
  });
  app.get("/files/debug", (c) => c.json(files.debug()));
}
