/**
 * The image store (Mesos's docker store): pulls images from a source into the layer store and
 * keeps the list of stored images. Concurrent pulls of one image share one pull; concurrent pulls
 * of different images that share layers share each layer's download. A stored image is used
 * without asking the source again unless the caller says otherwise (Mesos's `Image.cached`).
 * Pruning removes the images not kept and every layer no kept image and no container uses.
 */
import { type Clock, errorMessage, isMesosError, type Logger, MesosError } from "@mesos/core";
import { type DockerAuths, parseDockerConfig } from "../docker-config.ts";
import { PROGRESS_STEP_BYTES, type PullEvent } from "../progress.ts";
import type { ImageSource, ResolvedImage, SourceLayer } from "../sources/image-source.ts";
import { unpackLayer } from "../tar/unpack-layer.ts";
import { createImageRecords, type StoredImage } from "./image-records.ts";
import type { LayerStore } from "./layer-store.ts";

export interface PullOptions {
  /** The image's own docker config (the `docker.config` secret's JSON): its credentials win. */
  dockerConfig?: string;
  /** Use the stored image when there is one (Mesos's `Image.cached`, default true). */
  cached?: boolean;
  onEvent?: (event: PullEvent) => void;
}

export interface PruneResult {
  removedImages: string[];
  removedLayers: string[];
}

export interface ImageStore {
  readonly source: ImageSource;
  readonly layers: LayerStore;
  pull(name: string, options?: PullOptions): Promise<StoredImage>;
  /** The layers' unpacked trees, base first. */
  layerPaths(image: StoredImage): string[];
  images(): StoredImage[];
  /** The store key of a name (e.g. `busybox` -> `docker.io/library/busybox:latest`). */
  canonicalName(name: string): string;
  /** Removes images not in `keepImages` and layers no remaining image and no active container uses. */
  prune(options: { keepImages: Iterable<string>; activeLayers: Iterable<string> }): PruneResult;
}

export interface ImageStoreDeps {
  dir: string;
  source: ImageSource;
  layers: LayerStore;
  /** Root: layers keep owners, device nodes and trusted xattrs. */
  privileged: boolean;
  clock: Clock;
  log: Logger;
  /** Layers downloaded at once per pull (Docker's default is 3). */
  maxConcurrentDownloads?: number;
}

interface RunningPull {
  promise: Promise<StoredImage>;
  listeners: Set<(e: PullEvent) => void>;
  resolved?: PullEvent;
}

export function createImageStore(deps: ImageStoreDeps): ImageStore {
  const records = createImageRecords({ dir: deps.dir, log: deps.log });
  const running = new Map<string, RunningPull>();
  // Layers of pulls under way: not stored in any image yet, but not garbage either.
  const pinned = new Map<string, number>();
  const limit = deps.maxConcurrentDownloads ?? 3;

  const pin = (digests: string[], by: number) => {
    for (const d of digests) {
      const n = (pinned.get(d) ?? 0) + by;
      if (n > 0) pinned.set(d, n);
      else pinned.delete(d);
    }
  };

  async function doPull(name: string, key: string, options: PullOptions, run: RunningPull): Promise<StoredImage> {
    const started = deps.clock.now();
    const emit = (e: PullEvent) => {
      if (e.type === "resolved") run.resolved = e;
      for (const l of run.listeners) l(e);
    };
    if (options.cached !== false) {
      const stored = records.get(key);
      if (stored?.layers.every((d) => deps.layers.has(d))) {
        emit({ type: "pulled", image: key, layers: stored.layers.length, downloadedBytes: 0, ms: 0, cached: true });
        return stored;
      }
    }
    let auths: DockerAuths | undefined;
    if (options.dockerConfig !== undefined) auths = parseDockerConfig(options.dockerConfig, "the image's docker config secret");
    const image = await deps.source.resolve(name, { auths });
    const digests = image.layers.map((l) => l.digest);
    pin(digests, 1);
    try {
      return await storeImage(image, key, started, emit);
    } finally {
      pin(digests, -1);
      await image.close?.();
    }
  }

  async function storeImage(image: ResolvedImage, key: string, started: number, emit: (e: PullEvent) => void): Promise<StoredImage> {
    const digests = image.layers.map((l) => l.digest);
    const missing = image.layers.filter((l) => !deps.layers.has(l.digest));
    emit({
      type: "resolved",
      image: key,
      layers: image.layers.length,
      storedLayers: image.layers.length - missing.length,
      bytes: missing.reduce((n, l) => n + (l.size ?? 0), 0),
    });
    let downloaded = 0;
    await forEachLimited(missing, limit, async (layer) => {
      const n = await storeLayer(image, layer, key, emit);
      downloaded += n;
    });
    const stored: StoredImage = {
      name: key,
      manifestDigest: image.manifestDigest,
      configDigest: image.configDigest,
      config: image.config,
      layers: digests,
      pulledAt: deps.clock.now(),
    };
    records.put(stored);
    const ms = deps.clock.now() - started;
    emit({ type: "pulled", image: key, layers: digests.length, downloadedBytes: downloaded, ms, cached: false });
    deps.log.info(`Pulled image '${key}' (${digests.length} layers, ${missing.length} new, ${downloaded} bytes) in ${ms} ms`);
    return stored;
  }

  /** Stores one layer (or waits for the pull already storing it); the bytes this call downloaded. */
  async function storeLayer(image: ResolvedImage, layer: SourceLayer, key: string, emit: (e: PullEvent) => void): Promise<number> {
    let bytes = 0;
    await deps.layers.ensure(layer.digest, async (staging) => {
      emit({ type: "layer-started", image: key, digest: layer.digest, size: layer.size });
      let reported = 0;
      const blob = await image.openLayer(layer, (n) => {
        bytes += n;
        if (bytes - reported >= PROGRESS_STEP_BYTES) {
          reported = bytes;
          emit({ type: "layer-progress", image: key, digest: layer.digest, bytes, size: layer.size });
        }
      });
      try {
        await unpackLayer(blob, staging, { whiteouts: deps.layers.whiteouts, privileged: deps.privileged, diffId: layer.diffId, log: deps.log });
      } catch (e) {
        throw new MesosError(isMesosError(e) ? e.kind : "invalid", `layer ${layer.digest}: ${errorMessage(e)}`, { cause: e });
      }
    });
    emit({ type: "layer-done", image: key, digest: layer.digest, bytes: bytes || (layer.size ?? 0) });
    return bytes;
  }

  const canonicalName = (name: string) => deps.source.canonicalName(name);

  return {
    source: deps.source,
    layers: deps.layers,
    canonicalName,
    images: () => records.all(),
    layerPaths: (image) => image.layers.map((d) => deps.layers.rootfsOf(d)),

    pull(name, options = {}) {
      let key: string;
      try {
        key = canonicalName(name);
      } catch (e) {
        return Promise.reject(pullError(name, e));
      }
      const current = running.get(key);
      if (current) {
        if (options.onEvent) {
          current.listeners.add(options.onEvent);
          if (current.resolved) options.onEvent(current.resolved);
        }
        return current.promise;
      }
      const run: RunningPull = { promise: Promise.resolve(undefined as never), listeners: new Set() };
      if (options.onEvent) run.listeners.add(options.onEvent);
      run.promise = doPull(name, key, options, run)
        .catch((e) => {
          deps.log.warn(`Failed to pull image '${name}': ${errorMessage(e)}`);
          throw pullError(name, e);
        })
        .finally(() => running.delete(key));
      running.set(key, run);
      return run.promise;
    },

    prune({ keepImages, activeLayers }) {
      const keep = new Set([...keepImages].map(canonicalName));
      const removedImages = records
        .all()
        .map((i) => i.name)
        .filter((n) => !keep.has(n) && !running.has(n));
      records.delete(removedImages);
      const used = new Set<string>([...activeLayers, ...pinned.keys(), ...deps.layers.inFlight()]);
      for (const image of records.all()) for (const d of image.layers) used.add(d);
      const removedLayers = deps.layers.list().filter((d) => !used.has(d));
      for (const d of removedLayers) deps.layers.remove(d);
      deps.log.info(`Image GC removed ${removedImages.length} images and ${removedLayers.length} layers`);
      return { removedImages, removedLayers };
    },
  };
}

/** `Failed to pull image 'NAME': CAUSE`, keeping the cause's error kind. */
function pullError(name: string, e: unknown): MesosError {
  return new MesosError(isMesosError(e) ? e.kind : "internal", `Failed to pull image '${name}': ${errorMessage(e)}`, { cause: e });
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
