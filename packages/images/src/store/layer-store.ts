/**
 * The content-addressed layer store: `layers/<algorithm>/<hex>/rootfs` (or `rootfs.overlay`,
 * holding whiteouts in overlayfs's form), one directory per layer blob, shared by every image that
 * has the layer. A layer is unpacked into `staging/` and renamed into place once complete and
 * verified, so a crash leaves no half-stored layer; concurrent requests for one layer share one
 * download. Removal renames into `gc/` first, so a half-deleted layer is never found either.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { Logger } from "@mesos/core";
import { parseDigest } from "../digest.ts";
import type { WhiteoutFormat } from "../tar/unpack-layer.ts";

export interface LayerStore {
  readonly whiteouts: WhiteoutFormat;
  /** The unpacked tree of a layer (whether or not it is stored yet). */
  rootfsOf(digest: string): string;
  has(digest: string): boolean;
  /**
   * Stores the layer unless it is already there: `produce` fills a staging directory, which is
   * renamed into place only if it resolves. Calls for a layer being stored join that call.
   */
  ensure(digest: string, produce: (stagingRootfs: string) => Promise<void>): Promise<{ stored: boolean }>;
  /** Digests of every layer directory (for either backend's format). */
  list(): string[];
  remove(digest: string): void;
  /** Digests being stored right now. */
  inFlight(): string[];
}

export function createLayerStore(deps: { dir: string; whiteouts: WhiteoutFormat; log: Logger }): LayerStore {
  const layersDir = join(deps.dir, "layers");
  const stagingDir = join(deps.dir, "staging");
  const gcDir = join(deps.dir, "gc");
  const rootfsName = deps.whiteouts === "overlay" ? "rootfs.overlay" : "rootfs";
  // Leftovers of a crash: never complete, never referenced.
  rmSync(stagingDir, { recursive: true, force: true });
  rmSync(gcDir, { recursive: true, force: true });
  for (const d of [layersDir, stagingDir, gcDir]) mkdirSync(d, { recursive: true });

  const running = new Map<string, Promise<{ stored: boolean }>>();
  const layerDir = (digest: string) => {
    const { algorithm, hex } = parseDigest(digest);
    return join(layersDir, algorithm, hex);
  };
  const rootfsOf = (digest: string) => join(layerDir(digest), rootfsName);
  const has = (digest: string) => existsSync(rootfsOf(digest));

  async function store(digest: string, produce: (stagingRootfs: string) => Promise<void>): Promise<{ stored: boolean }> {
    const staging = join(stagingDir, randomUUID());
    mkdirSync(join(staging, rootfsName), { recursive: true });
    try {
      await produce(join(staging, rootfsName));
      const target = layerDir(digest);
      mkdirSync(join(target, ".."), { recursive: true });
      if (existsSync(target)) {
        // The layer is stored for the other backend: add this backend's tree beside it.
        renameSync(join(staging, rootfsName), join(target, rootfsName));
      } else {
        renameSync(staging, target);
      }
      return { stored: true };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  return {
    whiteouts: deps.whiteouts,
    rootfsOf,
    has,
    ensure(digest, produce) {
      const current = running.get(digest);
      if (current) return current;
      if (has(digest)) return Promise.resolve({ stored: false });
      const p = store(digest, produce).finally(() => running.delete(digest));
      running.set(digest, p);
      return p;
    },
    list() {
      const out: string[] = [];
      for (const algorithm of readdirSync(layersDir)) {
        for (const hex of readdirSync(join(layersDir, algorithm))) out.push(`${algorithm}:${hex}`);
      }
      return out;
    },
    remove(digest) {
      const dir = layerDir(digest);
      if (!existsSync(dir)) return;
      const trash = join(gcDir, `${parseDigest(digest).hex}.${randomUUID()}`);
      renameSync(dir, trash);
      rmSync(trash, { recursive: true, force: true });
      deps.log.info(`Removed layer ${digest}`);
    },
    inFlight: () => [...running.keys()],
  };
}
