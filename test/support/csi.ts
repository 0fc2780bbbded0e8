/**
 * CSI test helpers: the reference hostpath plugin (in this process, or as a process run from source
 * or from dist/mesos), neutral volume capabilities, and the cleanup of what the node side leaves on
 * the host (bind mounts and loop devices under a test's temp dir) when a test fails half-way.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { listMountPoints, MNT_DETACH, umount2 } from "@mesos/linux";
import { startHostpathPlugin, type HostpathOptions } from "@mesos/plugin-csi-hostpath";
import { VolumeCapability_AccessMode_Mode, VolumeCapabilitySchema } from "@mesos/proto/csi";
import { REPO_ROOT } from "./cluster.ts";

export const CSI_VERSIONS = ["v0", "v1"] as const;

export const HOSTPATH_MAIN = join(REPO_ROOT, "plugins/csi-hostpath/src/main.ts");

/** The plugin run from source as a process (what a plugin container's command is in tests). */
export function hostpathCommand(args: string[]): string {
  return [process.execPath, HOSTPATH_MAIN, ...args].map((a) => `'${a}'`).join(" ");
}

/** Why node-side tests cannot run here, or undefined: bind mounts need root. */
export const NO_MOUNTS = process.getuid?.() === 0 ? undefined : "bind mounts need root (CAP_SYS_ADMIN)";

/** Why BLOCK volume tests cannot run here, or undefined. */
export const NO_LOOP_DEVICES =
  NO_MOUNTS ?? (existsSync("/dev/loop-control") && Bun.which("losetup") ? undefined : "no loop devices (/dev/loop-control or losetup missing)");

export const mountCapability = (mode = VolumeCapability_AccessMode_Mode.SINGLE_NODE_WRITER) =>
  create(VolumeCapabilitySchema, { accessType: { case: "mount", value: {} }, accessMode: { mode } });

export const blockCapability = () =>
  create(VolumeCapabilitySchema, {
    accessType: { case: "block", value: {} },
    accessMode: { mode: VolumeCapability_AccessMode_Mode.SINGLE_NODE_WRITER },
  });

export async function startHostpath(options: Omit<HostpathOptions, "endpoint"> & { endpoint?: string }) {
  const endpoint = options.endpoint ?? `unix://${join(options.workDir, "csi.sock")}`;
  const server = await startHostpathPlugin({ ...options, endpoint });
  return { endpoint, server };
}

/** Unmounts everything mounted under `dir` and detaches loop devices backed by files under it. */
export function cleanUpHost(dir: string): void {
  if (!NO_MOUNTS) {
    const points = listMountPoints()
      .filter((p) => p.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const point of points) {
      try {
        umount2(point, MNT_DETACH);
      } catch {}
    }
  }
  if (!NO_LOOP_DEVICES) {
    const list = Bun.spawnSync(["losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"]).stdout.toString();
    for (const line of list.split("\n")) {
      const [device, file] = line.trim().split(/\s+/);
      if (device && file?.startsWith(`${dir}/`)) Bun.spawnSync(["losetup", "--detach", device]);
    }
  }
}
