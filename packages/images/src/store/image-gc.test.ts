import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, silentLogger } from "@mesos/core";
import { parseImageGcConfig, startImageGc } from "./image-gc.ts";

describe("--image_gc_config", () => {
  test("Mesos's JSON, inline or in a file", () => {
    const json = {
      image_disk_headroom: 0.1,
      image_disk_watch_interval: { nanoseconds: 3_600_000_000_000 },
      excluded_images: [{ type: "DOCKER", docker: { name: "busybox" } }],
    };
    expect(parseImageGcConfig(JSON.stringify(json))).toEqual({ headroom: 0.1, intervalMs: 3_600_000, excludedImages: ["busybox"] });
    const path = join(process.env.MESOS_TEST_TMP ?? "/tmp", "gc.json");
    writeFileSync(path, JSON.stringify({ ...json, excluded_images: undefined }));
    expect(parseImageGcConfig(path).excludedImages).toEqual([]);
  });

  test("bad values are named", () => {
    expect(() => parseImageGcConfig('{"image_disk_headroom": 2, "image_disk_watch_interval": {"nanoseconds": 1}}')).toThrow(/between 0.0 and 1.0/);
    expect(() => parseImageGcConfig('{"image_disk_headroom": 0.1}')).toThrow(/image_disk_watch_interval/);
    expect(() => parseImageGcConfig("{bad")).toThrow(/not valid JSON/);
    expect(() => parseImageGcConfig("/no/file")).toThrow(/neither JSON nor an existing file/);
    expect(() =>
      parseImageGcConfig('{"image_disk_headroom": 0.1, "image_disk_watch_interval": {"nanoseconds": 5}, "excluded_images": [{"type": "APPC"}]}'),
    ).toThrow(/excluded_images\[0\]/);
  });
});

describe("automatic image GC", () => {
  test("prunes at each interval while the free share is below the headroom", () => {
    const clock = new ManualClock();
    let free = 50;
    const prunes: string[][] = [];
    const gc = startImageGc({
      config: { headroom: 0.2, intervalMs: 60_000, excludedImages: ["keep:1"] },
      storeDir: "/store",
      clock,
      log: silentLogger,
      usage: () => ({ total: 100, free }),
      prune: (excluded) => prunes.push(excluded),
    });
    clock.advance(60_000);
    expect(prunes).toEqual([]);
    free = 10;
    clock.advance(59_999);
    expect(prunes).toEqual([]);
    clock.advance(1);
    expect(prunes).toEqual([["keep:1"]]);
    gc.stop();
    clock.advance(600_000);
    expect(prunes).toHaveLength(1);
  });
});
