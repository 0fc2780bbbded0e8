import { beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { createFileService, jsonp, mountFilesHttp } from "@mesos/rpc";
import { createSandboxPaths } from "./sandbox-paths.ts";

let app: Hono;
let sandbox: string;
const virtual = "/slaves/S1/frameworks/F1/executors/E1/runs/latest";

beforeAll(() => {
  const slaves = join(mkdtempSync(join(process.env.MESOS_TEST_TMP ?? tmpdir(), "files-")), "slaves");
  const runs = join(slaves, "S1/frameworks/F1/executors/E1/runs");
  sandbox = join(runs, "c1");
  mkdirSync(join(sandbox, "tasks/t1"), { recursive: true });
  symlinkSync(sandbox, join(runs, "latest"));
  writeFileSync(join(sandbox, "stdout"), "0123456789");
  writeFileSync(join(sandbox, "tasks/t1/stdout"), "task\n");
  writeFileSync(join(slaves, "S1/secret"), "agent's own");
  symlinkSync(join(slaves, "S1/secret"), join(sandbox, "escape"));
  app = new Hono();
  app.use(jsonp());
  const attached = () => [{ frameworkId: "F1", executorId: "E1", directory: sandbox }];
  mountFilesHttp(app, createFileService(createSandboxPaths({ slavesDir: slaves, agentId: () => "S1", runs: attached })));
});

const get = async (url: string) => {
  const res = await app.request(url);
  return { status: res.status, body: res.headers.get("Content-Type")?.includes("json") ? await res.json() : await res.text() };
};
const q = (p: string) => encodeURIComponent(p);

test("read: a window of the file, by virtual path or absolute sandbox path; offset=-1 gives the size", async () => {
  expect(await get(`/files/read?path=${q(`${virtual}/stdout`)}&offset=2&length=3`)).toEqual({ status: 200, body: { offset: 2, data: "234" } });
  expect(await get(`/files/read?path=${q(`${sandbox}/stdout`)}&offset=8`)).toEqual({ status: 200, body: { offset: 8, data: "89" } });
  expect(await get(`/files/read?path=${q(`${virtual}/stdout`)}&offset=-1`)).toEqual({ status: 200, body: { offset: 10, data: "" } });
  expect(await get(`/files/read?path=${q(`${virtual}/stdout`)}&offset=50`)).toEqual({ status: 200, body: { offset: 50, data: "" } });
  expect((await get(`/files/read?path=${q(`${virtual}/tasks/t1/stdout`)}&offset=0`)).body).toEqual({ offset: 0, data: "task\n" });
});

test("read: Mesos's errors", async () => {
  expect(await get("/files/read?offset=0")).toEqual({ status: 400, body: "Expecting 'path=value' in query.\n" });
  expect((await get(`/files/read?path=${q(`${virtual}/stdout`)}&offset=-2`)).body).toBe("Negative offset provided: -2.\n");
  expect((await get(`/files/read?path=${q(`${virtual}/stdout`)}&offset=x`)).status).toBe(400);
  expect(await get(`/files/read?path=${q(virtual)}&offset=0`)).toEqual({ status: 400, body: "Cannot read a directory.\n" });
  expect((await get(`/files/read?path=${q(`${virtual}/nope`)}&offset=0`)).status).toBe(404);
});

test("nothing outside a sandbox can be read: not by .., not through a symlink, not another agent's", async () => {
  expect((await get(`/files/read?path=${q(`${virtual}/../../../../../secret`)}&offset=0`)).status).toBe(404);
  expect((await get(`/files/read?path=/etc/passwd&offset=0`)).status).toBe(404);
  const viaSymlink = await get(`/files/read?path=${q(`${virtual}/escape`)}&offset=0`);
  expect(viaSymlink.status).toBe(400);
  expect(viaSymlink.body).toContain("is inaccessible");
  expect((await get(`/files/read?path=${q("/slaves/S2/frameworks/F1/executors/E1/runs/latest/stdout")}&offset=0`)).status).toBe(404);
});

test("browse: Mesos's FileInfo list, sorted, paths as asked", async () => {
  const { status, body } = await get(`/files/browse?path=${q(virtual)}`);
  expect(status).toBe(200);
  const list = body as { path: string; size: number; mode: string; nlink: number; uid: string; gid: string; mtime: number }[];
  expect(list.map((f) => f.path)).toEqual([`${virtual}/escape`, `${virtual}/stdout`, `${virtual}/tasks`]);
  expect(list[1]).toMatchObject({ size: 10, nlink: 1 });
  expect(list[1]!.mode).toMatch(/^-rw/);
  expect(list[2]!.mode).toMatch(/^d/);
  expect(typeof list[1]!.mtime).toBe("number");
});

test("download: the raw file", async () => {
  const res = await app.request(`/files/download?path=${q(`${virtual}/stdout`)}`);
  expect([res.status, await res.text()]).toEqual([200, "0123456789"]);
  expect((await app.request(`/files/download?path=${q(virtual)}`)).status).toBe(400);
});

test("debug: the virtual path map, three names per executor run as Mesos attaches them", async () => {
  const { status, body } = await get("/files/debug");
  expect(status).toBe(200);
  expect(body).toEqual({
    [`${sandbox.replace(/c1$/, "latest")}`]: sandbox,
    [virtual]: sandbox,
    [sandbox]: sandbox,
  });
});

test("jsonp: the same answers wrapped as CB(<json>) in text/javascript", async () => {
  const res = await app.request(`/files/browse?path=${q(virtual)}&jsonp=angular.callbacks._1`);
  expect(res.headers.get("Content-Type")).toBe("text/javascript");
  const body = await res.text();
  expect(body.startsWith("angular.callbacks._1([")).toBe(true);
  expect(JSON.parse(body.slice("angular.callbacks._1(".length, -1))).toHaveLength(3);
  expect((await get(`/files/read?path=${q(`${virtual}/stdout`)}&offset=-1&jsonp=cb`)).body).toBe('cb({"offset":10,"data":""})');
  // Errors stay as they are; a callback that is not a JavaScript name is refused.
  expect((await get(`/files/read?path=${q(`${virtual}/nope`)}&offset=0&jsonp=cb`)).status).toBe(404);
  expect((await get(`/files/debug?jsonp=${q("alert(1)//")}`)).status).toBe(400);
});
