/**
 * The copy backend: each layer, base first, is copied into the container's own rootfs with
 * `cp -a` (owners, modes, times, hard links, xattrs), after its whiteouts are applied to what the
 * layers below left: `.wh.NAME` removes NAME, `.wh..wh..opq` empties its directory. Anything in the
 * way of the layer's entries that `cp` would write through (a symlink from a lower layer, a file
 * where the layer has a directory) is removed first, so nothing is written outside the rootfs.
 */
import { type Dirent, lstatSync, mkdirSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { internal, type Logger } from "@mesos/core";
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from "../tar/unpack-layer.ts";
import type { ProvisionerBackend } from "./backend.ts";

export function createCopyBackend(deps: { log: Logger }): ProvisionerBackend {
  return {
    name: "copy",
    whiteouts: "files",

    async provision(layers, rootfs) {
      mkdirSync(rootfs, { recursive: true });
      for (const layer of layers) {
        const whiteoutFiles: string[] = [];
        prepare(layer, rootfs, "", whiteoutFiles);
        const cp = Bun.spawn(["cp", "-a", "--no-target-directory", layer, rootfs], { stdio: ["ignore", "ignore", "pipe"] });
        const [code, err] = await Promise.all([cp.exited, new Response(cp.stderr).text()]);
        if (code !== 0) throw internal(`Failed to copy layer '${layer}' into '${rootfs}': ${err.trim()}`);
        for (const rel of whiteoutFiles) unlinkSync(join(rootfs, rel));
      }
      deps.log.debug(`Copied ${layers.length} layers into rootfs '${rootfs}'`);
    },

    async destroy(rootfs, scratch) {
      rmSync(rootfs, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Applies the whiteouts of `layer/rel` to `rootfs/rel` and clears the way for its entries. */
function prepare(layer: string, rootfs: string, rel: string, whiteoutFiles: string[]): void {
  const entries: Dirent[] = readdirSync(join(layer, rel), { withFileTypes: true });
  const target = join(rootfs, rel);
  if (entries.some((e) => e.name === OPAQUE_WHITEOUT) && lstatSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    for (const name of readdirSync(target)) rmSync(join(target, name), { recursive: true, force: true });
  }
  for (const e of entries) {
    const path = join(target, e.name);
    if (e.name.startsWith(WHITEOUT_PREFIX)) {
      whiteoutFiles.push(join(rel, e.name));
      if (!e.name.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
        rmSync(join(target, e.name.slice(WHITEOUT_PREFIX.length)), { recursive: true, force: true });
      }
      continue;
    }
    const existing = lstatSync(path, { throwIfNoEntry: false });
    if (existing && !(existing.isDirectory() && e.isDirectory())) rmSync(path, { recursive: true, force: true });
    if (e.isDirectory()) prepare(layer, rootfs, join(rel, e.name), whiteoutFiles);
  }
}
