/**
 * Automatic image garbage collection (`--image_gc_config`, Mesos's `ImageGcConfig`): every
 * `image_disk_watch_interval` the store's filesystem is sampled, and when its free share falls
 * below `image_disk_headroom` the store is pruned, keeping `excluded_images` and whatever
 * containers use.
 */
import { existsSync, readFileSync, statfsSync } from "node:fs";
import { type Clock, invalid, type Logger, type TimerHandle } from "@mesos/core";
import { isObject } from "../image-config.ts";

export interface ImageGcConfig {
  /** 0..1: the free share of the image filesystem to keep. */
  headroom: number;
  intervalMs: number;
  /** Image names never collected. */
  excludedImages: string[];
}

/** Parses the flag's value: JSON, or a path to a file holding it; errors say what is wrong (the flag loader names the flag). */
export function parseImageGcConfig(value: string): ImageGcConfig {
  const trimmed = value.trim();
  let text = trimmed;
  if (!trimmed.startsWith("{")) {
    if (!existsSync(trimmed)) throw invalid(`'${trimmed}' is neither JSON nor an existing file`);
    text = readFileSync(trimmed, "utf8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(`not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw invalid("not a JSON object");
  const headroom = json.image_disk_headroom;
  if (typeof headroom !== "number" || headroom < 0 || headroom > 1) {
    throw invalid("'image_disk_headroom' must be a number between 0.0 and 1.0");
  }
  const interval = json.image_disk_watch_interval;
  const ns = isObject(interval) ? Number(interval.nanoseconds) : Number.NaN;
  if (!Number.isFinite(ns) || ns <= 0) {
    throw invalid("'image_disk_watch_interval' must be {\"nanoseconds\": N} with N > 0");
  }
  const excluded = json.excluded_images ?? [];
  if (!Array.isArray(excluded)) throw invalid("'excluded_images' must be a list of images");
  const excludedImages = excluded.map((image, i) => {
    const name = isObject(image) && isObject(image.docker) ? image.docker.name : undefined;
    if (typeof name !== "string" || (isObject(image) && image.type !== undefined && image.type !== "DOCKER")) {
      throw invalid(`excluded_images[${i}] must be {"type": "DOCKER", "docker": {"name": ...}}`);
    }
    return name;
  });
  return { headroom, intervalMs: Math.max(1, Math.round(ns / 1e6)), excludedImages };
}

export interface DiskUsage {
  total: number;
  free: number;
}

export function diskUsage(path: string): DiskUsage {
  const s = statfsSync(path);
  return { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
}

/** Samples the disk every interval and prunes when the free share is below the headroom. */
export function startImageGc(deps: {
  config: ImageGcConfig;
  storeDir: string;
  clock: Clock;
  log: Logger;
  prune: (excludedImages: string[]) => void;
  usage?: (path: string) => DiskUsage;
}): { stop(): void } {
  const usage = deps.usage ?? diskUsage;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const check = () => {
    if (stopped) return;
    try {
      const u = usage(deps.storeDir);
      const freeShare = u.total > 0 ? u.free / u.total : 1;
      if (freeShare < deps.config.headroom) {
        deps.log.info(`Image store disk is ${((1 - freeShare) * 100).toFixed(1)}% full (headroom ${deps.config.headroom}): collecting images`);
        deps.prune(deps.config.excludedImages);
      }
    } catch (e) {
      deps.log.warn(`Image GC failed: ${(e as Error).message}`);
    }
    timer = deps.clock.setTimeout(check, deps.config.intervalMs);
  };
  timer = deps.clock.setTimeout(check, deps.config.intervalMs);
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
