/**
 * The images the store holds (Mesos's `storedImages`): name -> manifest digest, config, layers. One
 * JSON file, rewritten whole through a temporary file and a rename, so a crash leaves the old or
 * the new list, never a torn one. This module is its only writer.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "@mesos/core";
import type { ImageConfig } from "../image-config.ts";

export interface StoredImage {
  /** The canonical name, e.g. `docker.io/library/busybox:latest`. */
  name: string;
  manifestDigest?: string;
  configDigest?: string;
  config: ImageConfig;
  /** Layer digests, base first. */
  layers: string[];
  pulledAt: number;
}

export interface ImageRecords {
  get(name: string): StoredImage | undefined;
  all(): StoredImage[];
  put(image: StoredImage): void;
  delete(names: string[]): void;
}

const FILE = "images.json";

export function createImageRecords(deps: { dir: string; log: Logger }): ImageRecords {
  const path = join(deps.dir, FILE);
  const images = new Map<string, StoredImage>();
  try {
    const json = JSON.parse(readFileSync(path, "utf8")) as { images?: StoredImage[] };
    for (const image of json.images ?? []) images.set(image.name, image);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") deps.log.warn(`Ignoring unreadable image list '${path}': ${(e as Error).message}`);
  }

  const save = () => {
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, "w", 0o644);
    try {
      writeSync(fd, JSON.stringify({ images: [...images.values()] }, null, 1));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  };

  return {
    get: (name) => images.get(name),
    all: () => [...images.values()],
    put(image) {
      images.set(image.name, image);
      save();
    },
    delete(names) {
      let changed = false;
      for (const n of names) changed = images.delete(n) || changed;
      if (changed) save();
    },
  };
}
