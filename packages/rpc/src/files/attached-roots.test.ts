import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { createAttachedRoots } from "./attached-roots.ts";
import { createFileService } from "./file-service.ts";
import { mountFilesHttp } from "./files-http.ts";

test("a master's attached log: served by its virtual path only; .., symlinks out and other paths are not", async () => {
  const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "attached-"));
  mkdirSync(join(dir, "logs"));
  writeFileSync(join(dir, "logs/mesos-master.INFO"), "I0101 started\n");
  writeFileSync(join(dir, "secret"), "no");
  symlinkSync(join(dir, "secret"), join(dir, "logs/escape"));
  const app = new Hono();
  mountFilesHttp(
    app,
    createFileService(createAttachedRoots(() => ({ "/master/log": join(dir, "logs/mesos-master.INFO"), "/logs": join(dir, "logs") }))),
  );
  const get = async (url: string) => {
    const r = await app.request(url);
    return [r.status, await r.text()];
  };
  expect(await get("/files/read?path=/master/log&offset=0")).toEqual([200, JSON.stringify({ offset: 0, data: "I0101 started\n" })]);
  expect(await get("/files/read?path=/master/log&offset=-1")).toEqual([200, JSON.stringify({ offset: 14, data: "" })]);
  expect((await get("/files/read?path=/logs/../secret&offset=0"))[0]).toBe(404);
  expect(await get("/files/read?path=/logs/escape&offset=0")).toEqual([400, `'${join(dir, "logs")}/escape' is inaccessible.\n`]);
  expect((await get(`/files/read?path=${join(dir, "secret")}&offset=0`))[0]).toBe(404);
  expect((await get("/files/browse?path=/nothing"))[0]).toBe(404);
  expect(JSON.parse((await get("/files/debug"))[1] as string)).toEqual({
    "/master/log": join(dir, "logs/mesos-master.INFO"),
    "/logs": join(dir, "logs"),
  });
});
