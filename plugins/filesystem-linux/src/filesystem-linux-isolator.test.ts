import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolator as api, Value_Type, Volume_Mode } from "@mesos/proto";
import { createFilesystemLinuxIsolator } from "./filesystem-linux-isolator.ts";

const dir = () => mkdtempSync(join(tmpdir(), "fs-linux-"));

test("filesystem/linux: the provisioned rootfs becomes the container's root; no rootfs, nothing", async () => {
  const isolator = createFilesystemLinuxIsolator({ workDir: dir(), sandboxDirectory: "/mnt/mesos/sandbox" });
  const config = (rootfs?: string) => create(api.ContainerConfigSchema, { containerId: { value: "c" }, directory: "/sb", rootfs });
  expect(await isolator.prepare!(config("/var/lib/mesos/provisioner/containers/c/backends/overlay/rootfses/r"))).toEqual({
    rootfs: "/var/lib/mesos/provisioner/containers/c/backends/overlay/rootfses/r",
  });
  expect(await isolator.prepare!(config())).toBeUndefined();
  expect(isolator.name).toBe("filesystem/linux");
});

test("filesystem/linux: persistent volumes are bind mounts under the sandbox (in the rootfs too), read-only when used RO", async () => {
  const workDir = dir();
  const isolator = createFilesystemLinuxIsolator({ workDir, sandboxDirectory: "/mnt/mesos/sandbox" });
  const volume = (id: string, containerPath: string, mode = Volume_Mode.RW) => ({
    name: "disk",
    type: Value_Type.SCALAR,
    scalar: { value: 10 },
    reservations: [{ role: "a/b" }],
    disk: { persistence: { id }, volume: { containerPath, mode } },
  });
  const rootfs = dir();
  const c = create(api.ContainerConfigSchema, {
    containerId: { value: "c" },
    directory: dir(),
    rootfs,
    resources: [{ name: "cpus", type: Value_Type.SCALAR, scalar: { value: 1 } }, volume("v1", "data"), volume("v2", "shared/ro", Volume_Mode.RO)],
  });
  const info = await isolator.prepare!(c);
  expect(info?.mounts).toEqual([
    { type: api.Mount_Type.BIND, source: join(workDir, "volumes/roles/a b/v1"), target: join(rootfs, "mnt/mesos/sandbox/data"), readOnly: false },
    { type: api.Mount_Type.BIND, source: join(workDir, "volumes/roles/a b/v2"), target: join(rootfs, "mnt/mesos/sandbox/shared/ro"), readOnly: true },
  ]);
  expect(statSync(join(c.directory, "shared/ro")).isDirectory()).toBe(true);
  const bad = create(api.ContainerConfigSchema, { containerId: { value: "c" }, directory: dir(), resources: [volume("v3", "/abs")] });
  await expect(isolator.prepare!(bad)).rejects.toThrow("volume 'v3' has container path '/abs': it must be a relative path inside the sandbox");
});
