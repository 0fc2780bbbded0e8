import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, silentLogger } from "@mesos/core";
import { busyboxLayer, layer, testImage, writeOciLayout } from "../../test-fixtures/index.ts";
import type { PullEvent } from "../progress.ts";
import { PullProgress } from "../progress.ts";
import type { ImageSource } from "../sources/image-source.ts";
import { createLocalSource } from "../sources/local-source.ts";
import { createImageStore } from "./image-store.ts";
import { createLayerStore } from "./layer-store.ts";

const tmp = (p: string) => mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", p));
const base = busyboxLayer("gzip", "oci");
const imgA = testImage([base, layer([{ path: "a.txt", content: "a" }], "gzip", "oci")], {}, "oci");
/** Incompressible, so the download takes several progress steps. */
const noise = new Uint8Array(3_000_000);
for (let i = 0; i < noise.length; i += 65_536) crypto.getRandomValues(noise.subarray(i, i + 65_536));
const imgB = testImage([base, layer([{ path: "b.bin", content: noise }], "zstd", "oci")], {}, "oci");

/** A store over an OCI layout holding a:1 and b:1, counting the layer downloads of its source. */
function setup() {
  const layout = tmp("layout-");
  writeOciLayout(join(layout, "imgs"), [
    { tag: "a", image: imgA },
    { tag: "b", image: imgB },
  ]);
  const storeDir = tmp("store-");
  const local = createLocalSource({ dir: layout, scratchDir: join(storeDir, "staging") });
  const opened: string[] = [];
  const source: ImageSource = {
    ...local,
    async resolve(name, o) {
      const image = await local.resolve(name, o);
      return { ...image, openLayer: (l, on) => (opened.push(l.digest), image.openLayer(l, on)) };
    },
  };
  const clock = new ManualClock();
  const store = createImageStore({
    dir: storeDir,
    source,
    layers: createLayerStore({ dir: storeDir, whiteouts: "files", log: silentLogger }),
    privileged: false,
    clock,
    log: silentLogger,
  });
  return { store, opened, storeDir };
}

describe("image store", () => {
  test("merged pulls: one pull per image, one download per layer, events for every caller", async () => {
    const { store, opened } = setup();
    const events: PullEvent[][] = [[], [], []];
    const [a1, a2, b] = await Promise.all([
      store.pull("imgs:a", { onEvent: (e) => events[0]!.push(e) }),
      store.pull("imgs:a", { onEvent: (e) => events[1]!.push(e) }),
      store.pull("imgs:b", { onEvent: (e) => events[2]!.push(e) }),
    ]);
    expect(a1).toBe(a2);
    expect(b.layers[0]).toBe(a1.layers[0]!);
    expect(opened.sort()).toEqual([base.digest, imgA.layers[1]!.digest, imgB.layers[1]!.digest].sort());
    // The joining caller got the resolved event and the rest.
    expect(events[1]![0]).toMatchObject({ type: "resolved", layers: 2 });
    expect(events[1]!.at(-1)).toMatchObject({ type: "pulled", cached: false });
    const progress = new PullProgress();
    for (const e of events[2]!) progress.apply(e);
    expect(progress.summary()).toMatch(/^2\/2 layers, /);
    expect(events[2]!.some((e) => e.type === "layer-progress")).toBe(true);
  });

  test("the records survive a restart; a stored image needs no source", async () => {
    const { store, storeDir } = setup();
    await store.pull("imgs:a");
    const names = JSON.parse(readFileSync(join(storeDir, "images.json"), "utf8")).images.map((i: { name: string }) => i.name);
    expect(names).toEqual(["imgs:a"]);
    const broken: ImageSource = { description: "none", canonicalName: (n) => n, resolve: () => Promise.reject(new Error("no source")) };
    const again = createImageStore({
      dir: storeDir,
      source: broken,
      layers: createLayerStore({ dir: storeDir, whiteouts: "files", log: silentLogger }),
      privileged: false,
      clock: new ManualClock(),
      log: silentLogger,
    });
    expect((await again.pull("imgs:a")).layers).toEqual(imgA.layers.map((l) => l.digest));
    await expect(again.pull("imgs:a", { cached: false })).rejects.toThrow("Failed to pull image 'imgs:a': no source");
  });

  test("layers of a pull under way are not collected", async () => {
    const { store } = setup();
    await store.pull("imgs:a");
    const pulling = store.pull("imgs:b");
    await Bun.sleep(1);
    const pruned = store.prune({ keepImages: [], activeLayers: [] });
    expect(pruned.removedImages).toEqual(["imgs:a"]);
    // a's own layer is gone; the shared base is pinned by b's pull.
    expect(pruned.removedLayers).toEqual([imgA.layers[1]!.digest]);
    const b = await pulling;
    expect(b.layers.every((d) => store.layers.has(d))).toBe(true);
  });

  test("a malformed docker config secret fails the pull with a reason", async () => {
    const { store, storeDir } = setup();
    await expect(store.pull("imgs:b", { dockerConfig: "{nope", cached: false })).rejects.toThrow(
      /Failed to pull image 'imgs:b': Failed to parse the image's docker config secret/,
    );
    expect(readdirSync(join(storeDir, "staging"))).toEqual([]);
  });
});
