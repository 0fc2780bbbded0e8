import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { existsSync, lstatSync, mkdtempSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@mesos/core";
import { ContainerInfo_Type, isolator as api, Volume_Mode, Volume_Source_Type } from "@mesos/proto";
import { createSandboxPathIsolator } from "./sandbox-path-isolator.ts";

const dir = () => mkdtempSync(join(tmpdir(), "sandbox-path-"));
const volume = (type: number, path: string, containerPath: string) => ({
  mode: Volume_Mode.RW,
  containerPath,
  source: { type: Volume_Source_Type.SANDBOX_PATH, sandboxPath: { type, path } },
});
const SELF = 1;
const PARENT = 2;
const config = (id: { value: string; parent?: { value: string } }, directory: string, volumes: object[] = [], rootfs?: string) =>
  create(api.ContainerConfigSchema, { containerId: id, directory, rootfs, containerInfo: { type: ContainerInfo_Type.MESOS, volumes } });

test("PARENT: a nested container gets a directory of its parent's sandbox, created if missing", async () => {
  const isolator = createSandboxPathIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", bindMounts: true, log: silentLogger });
  const parentDir = dir();
  await isolator.prepare!(config({ value: "p" }, parentDir));
  const childDir = dir();
  const info = await isolator.prepare!(config({ value: "c", parent: { value: "p" } }, childDir, [volume(PARENT, "shared", "shared")]));
  expect(info?.mounts).toEqual([{ type: api.Mount_Type.BIND, source: join(parentDir, "shared"), target: join(childDir, "shared"), readOnly: false }]);
  expect(existsSync(join(parentDir, "shared"))).toBe(true);
  await expect(isolator.prepare!(config({ value: "top" }, dir(), [volume(PARENT, "x", "x")]))).rejects.toThrow(
    "SANDBOX_PATH volume PARENT type only works for nested container",
  );
  await expect(isolator.prepare!(config({ value: "c", parent: { value: "gone" } }, dir(), [volume(PARENT, "x", "x")]))).rejects.toThrow(
    "Failed to locate the sandbox for the parent container",
  );
  await expect(isolator.prepare!(config({ value: "c", parent: { value: "p" } }, dir(), [volume(PARENT, "../../etc", "x")]))).rejects.toThrow(
    "escapes the sandbox",
  );
});

test("SELF: the container's own sandbox directory at an absolute path of its rootfs; a relative container path is refused", async () => {
  const isolator = createSandboxPathIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", bindMounts: true, log: silentLogger });
  const sandbox = dir();
  const rootfs = dir();
  const info = await isolator.prepare!(config({ value: "s" }, sandbox, [volume(SELF, "work", "/work")], rootfs));
  expect(info?.mounts?.[0]).toMatchObject({ source: join(sandbox, "work"), target: join(rootfs, "work") });
  await expect(isolator.prepare!(config({ value: "s" }, sandbox, [volume(SELF, "work", "work")]))).rejects.toThrow(
    "'container_path' is relative for SANDBOX_PATH volume SELF type",
  );
});

test("without bind mounts (posix launcher), as Mesos: a symlink in the sandbox", async () => {
  const isolator = createSandboxPathIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", bindMounts: false, log: silentLogger });
  const parentDir = dir();
  await isolator.prepare!(config({ value: "p" }, parentDir));
  const childDir = dir();
  expect(await isolator.prepare!(config({ value: "c", parent: { value: "p" } }, childDir, [volume(PARENT, "shared", "in/shared")]))).toBeUndefined();
  expect(lstatSync(join(childDir, "in/shared")).isSymbolicLink()).toBe(true);
  expect(readlinkSync(join(childDir, "in/shared"))).toBe(join(parentDir, "shared"));
});
