import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { existsSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerInfo_Type, isolator as api, MountPropagation_Mode, Volume_Mode, Volume_Source_Type, type VolumeSchema } from "@mesos/proto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { parseForceCreation } from "./host-path-creation.ts";
import { createHostPathIsolator } from "./host-path-isolator.ts";

type VolumeInit = MessageInitShape<typeof api.ContainerConfigSchema>["containerInfo"] extends infer C
  ? NonNullable<C> extends { volumes?: (infer V)[] }
    ? V
    : never
  : never;

const dir = () => mkdtempSync(join(tmpdir(), "host-path-"));
const hostPath = (path: string, containerPath: string, mode = Volume_Mode.RW): VolumeInit => ({
  mode,
  containerPath,
  source: { type: Volume_Source_Type.HOST_PATH, hostPath: { path } },
});
function config(volumes: VolumeInit[], extra: { directory?: string; rootfs?: string; containerClass?: api.ContainerClass } = {}) {
  return create(api.ContainerConfigSchema, {
    containerId: { value: "c1" },
    containerInfo: { type: ContainerInfo_Type.MESOS, volumes },
    ...extra,
    directory: extra.directory ?? dir(),
  });
}
const isolator = (force?: string) =>
  createHostPathIsolator({ sandboxDirectory: "/mnt/mesos/sandbox", creation: force ? parseForceCreation(force) : undefined });

test("relative container paths go under the sandbox (mount point made there), RO is a read-only bind", async () => {
  const host = dir();
  writeFileSync(join(host, "file"), "x");
  const c = config([hostPath(host, "data"), hostPath(join(host, "file"), "conf/file", Volume_Mode.RO)]);
  const info = await isolator().prepare!(c);
  expect(info?.mounts).toEqual([
    { type: api.Mount_Type.BIND, source: host, target: join(c.directory, "data"), readOnly: false },
    { type: api.Mount_Type.BIND, source: join(host, "file"), target: join(c.directory, "conf/file"), readOnly: true },
  ]);
  expect(statSync(join(c.directory, "data")).isDirectory()).toBe(true);
  expect(statSync(join(c.directory, "conf/file")).isFile()).toBe(true);
});

test("with a rootfs: absolute paths inside it, relative ones at --sandbox_directory; the legacy host_path too", async () => {
  const host = dir();
  const rootfs = dir();
  const c = config([hostPath(host, "/data/../opt/x"), { mode: Volume_Mode.RW, containerPath: "rel", hostPath: host }], { rootfs });
  const info = await isolator().prepare!(c);
  expect(info?.mounts?.map((m) => m.target)).toEqual([join(rootfs, "opt/x"), join(rootfs, "mnt/mesos/sandbox/rel")]);
  expect(existsSync(join(rootfs, "opt/x"))).toBe(true);
  expect(existsSync(join(c.directory, "rel"))).toBe(true);
});

test("no rootfs: an absolute container path must exist; the same path as the host's needs no mount", async () => {
  const host = dir();
  await expect(isolator().prepare!(config([hostPath(host, "/nonexistent/place")]))).rejects.toThrow(
    "Mount point '/nonexistent/place' is an absolute path. It must exist if the container shares the host filesystem",
  );
  expect(await isolator().prepare!(config([hostPath(host, host)]))).toBeUndefined();
});

test("a missing host path fails without --host_path_volume_force_creation, and is created with it", async () => {
  const base = dir();
  const missing = join(base, "data", "a");
  await expect(isolator().prepare!(config([hostPath(missing, "v")]))).rejects.toThrow(`Path '${missing}' in HOST_PATH volume does not exist`);
  const info = await isolator(join(base, "data")).prepare!(config([hostPath(missing, "v")]));
  expect(info?.mounts?.[0]?.source).toBe(missing);
  expect(statSync(missing).isDirectory()).toBe(true);
});

test("refused: DEBUG containers, relative host paths, escapes from the sandbox or the rootfs, Docker containers", async () => {
  const host = dir();
  await expect(isolator().prepare!(config([hostPath(host, "v")], { containerClass: api.ContainerClass.DEBUG }))).rejects.toThrow(
    "HOST_PATH volume is not supported for DEBUG containers",
  );
  await expect(isolator().prepare!(config([hostPath("rel/path", "v")]))).rejects.toThrow("Path 'rel/path' in HOST_PATH volume is not absolute");
  await expect(isolator().prepare!(config([hostPath(host, "../../etc")]))).rejects.toThrow(
    "The volume's container path '../../etc' escapes the sandbox",
  );
  const rootfs = dir();
  const outside = dir();
  symlinkSync(outside, join(rootfs, "etc"));
  await expect(isolator().prepare!(config([hostPath(host, "/etc/x")], { rootfs }))).rejects.toThrow(
    `The mount point '${join(rootfs, "etc/x")}' resolves outside the container's root filesystem (through a symlink)`,
  );
  expect(existsSync(join(outside, "x"))).toBe(false);
  const sandbox = dir();
  symlinkSync(host, join(sandbox, "out"));
  await expect(isolator().prepare!(config([hostPath(host, "out/x")], { directory: sandbox }))).rejects.toThrow("resolves outside the sandbox");
  const docker = create(api.ContainerConfigSchema, {
    containerId: { value: "d" },
    directory: dir(),
    containerInfo: { type: ContainerInfo_Type.DOCKER },
  });
  await expect(isolator().prepare!(docker)).rejects.toThrow("Only support MESOS containers");
  await expect(
    isolator().prepare!(
      config([
        { mode: Volume_Mode.RW, containerPath: "v", hostPath: host, source: { type: Volume_Source_Type.HOST_PATH, hostPath: { path: host } } },
      ]),
    ),
  ).rejects.toThrow("Invalid volume: Only one of them should be set: 'host_path', 'image' and 'source'");
});

test("BIDIRECTIONAL propagation needs the host path on a shared mount", async () => {
  const host = dir();
  mkdirSync(join(host, "sub"));
  const v = hostPath(join(host, "sub"), "v");
  v.source!.hostPath!.mountPropagation = { mode: MountPropagation_Mode.BIDIRECTIONAL };
  const prepared = isolator().prepare!(config([v]));
  // Whether /tmp's mount is shared depends on the host: either answer must be Mesos's.
  await prepared.then(
    (info) => expect(info?.sharedMounts?.length).toBe(1),
    (e) =>
      expect((e as Error).message).toBe(
        `Cannot setup bidirectional mount propagation for host path '${join(host, "sub")}' because it is not under a shared mount`,
      ),
  );
});
