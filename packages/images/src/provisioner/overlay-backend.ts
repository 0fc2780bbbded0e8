/**
 * The overlay backend: the stored layers are overlayfs lower directories (top layer first in
 * `lowerdir`), the container writes into its own `scratch/upperdir` (with `scratch/workdir`). As in
 * Mesos, a long layer list goes through short symlinks (`/tmp/mesos-overlay-XXXXXX/0`, `1`, ...)
 * because mount options must fit in one page.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { invalid, type Logger } from "@mesos/core";
import { MNT_DETACH, mount, umount2 } from "@mesos/linux";
import { mountPoints, type ProvisionerBackend } from "./backend.ts";

/** Mount data must fit in a page; keep some room. */
const MAX_MOUNT_DATA = 4000;

export function createOverlayBackend(deps: { log: Logger }): ProvisionerBackend {
  return {
    name: "overlay",
    whiteouts: "overlay",

    async provision(layers, rootfs, scratch) {
      if (layers.length === 0) throw invalid("No filesystem layer provided");
      const upper = join(scratch, "upperdir");
      const work = join(scratch, "workdir");
      for (const d of [rootfs, upper, work]) mkdirSync(d, { recursive: true });
      let lower = [...layers].reverse();
      const data = () => `lowerdir=${lower.join(":")},upperdir=${upper},workdir=${work}`;
      if (data().length > MAX_MOUNT_DATA || layers.some((l) => /[:,]/.test(l))) {
        const links = mkdtempSync(join(tmpdir(), "mesos-overlay-"));
        symlinkSync(links, join(scratch, "links"));
        lower = lower.map((layer, i) => {
          symlinkSync(layer, join(links, String(i)));
          return join(links, String(i));
        });
      }
      if (data().length > MAX_MOUNT_DATA) throw invalid(`Too many layers (${layers.length}) for one overlay mount`);
      mount({ source: "overlay", target: rootfs, fstype: "overlay", data: data() });
      deps.log.debug(`Mounted overlay rootfs '${rootfs}' over ${layers.length} layers`);
    },

    async destroy(rootfs, scratch) {
      if (mountPoints().has(rootfs)) umount2(rootfs, MNT_DETACH);
      rmSync(rootfs, { recursive: true, force: true });
      const links = join(scratch, "links");
      if (existsSync(links)) rmSync(readlinkSync(links), { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Whether overlayfs is in this kernel (it may still need root to mount). */
export function overlaySupported(): boolean {
  try {
    return /\toverlay$/m.test(readFileSync("/proc/filesystems", "utf8"));
  } catch {
    return false;
  }
}
