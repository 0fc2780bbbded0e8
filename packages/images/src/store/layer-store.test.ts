import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "@mesos/core";
import { createLayerStore } from "./layer-store.ts";

const D = `sha256:${"d".repeat(64)}`;
const tmp = () => mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", "layers-"));

describe("layer store", () => {
  test("a layer appears only when complete; concurrent stores of it run once", async () => {
    const dir = tmp();
    const store = createLayerStore({ dir, whiteouts: "files", log: silentLogger });
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const produce = async (staging: string) => {
      runs++;
      writeFileSync(join(staging, "half"), "x");
      await gate;
      writeFileSync(join(staging, "done"), "y");
    };
    const first = store.ensure(D, produce);
    const second = store.ensure(D, produce);
    await Bun.sleep(5);
    expect(store.has(D)).toBe(false);
    expect(store.inFlight()).toEqual([D]);
    release();
    expect(await first).toEqual({ stored: true });
    await second;
    expect(runs).toBe(1);
    expect(readdirSync(store.rootfsOf(D)).sort()).toEqual(["done", "half"]);
    expect(await store.ensure(D, produce)).toEqual({ stored: false });
    expect(store.list()).toEqual([D]);
  });

  test("a failed store leaves nothing, and can be tried again", async () => {
    const dir = tmp();
    const store = createLayerStore({ dir, whiteouts: "overlay", log: silentLogger });
    await expect(
      store.ensure(D, async (staging) => {
        writeFileSync(join(staging, "partial"), "x");
        throw new Error("download broke");
      }),
    ).rejects.toThrow("download broke");
    expect(store.has(D)).toBe(false);
    expect(readdirSync(join(dir, "staging"))).toEqual([]);
    expect(existsSync(join(dir, "layers/sha256", "d".repeat(64)))).toBe(false);
    await store.ensure(D, async (staging) => writeFileSync(join(staging, "ok"), "y"));
    expect(store.rootfsOf(D)).toEndWith("rootfs.overlay");
    expect(store.has(D)).toBe(true);
  });

  test("the two backends' forms of a layer live side by side; remove takes both", async () => {
    const dir = tmp();
    await createLayerStore({ dir, whiteouts: "overlay", log: silentLogger }).ensure(D, async () => {});
    const copyStore = createLayerStore({ dir, whiteouts: "files", log: silentLogger });
    expect(copyStore.has(D)).toBe(false);
    await copyStore.ensure(D, async () => {});
    expect(readdirSync(join(dir, "layers/sha256", "d".repeat(64))).sort()).toEqual(["rootfs", "rootfs.overlay"]);
    copyStore.remove(D);
    expect(copyStore.list()).toEqual([]);
    expect(readdirSync(join(dir, "gc"))).toEqual([]);
  });
});
