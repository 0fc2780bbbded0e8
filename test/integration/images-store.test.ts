/**
 * The layer store and the provisioner against a real registry: a 3-layer image with whiteouts and
 * an opaque directory seen through the overlay and copy backends, merged concurrent pulls (one
 * download per layer), GC of what nothing uses, crash leftovers, and recovery after a restart.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, silentLogger } from "@mesos/core";
import {
  type BackendName,
  createCopyBackend,
  createDockerStore,
  createOverlayBackend,
  createProvisioner,
  overlaySupported,
  type ProvisionerBackend,
} from "@mesos/images";
import { busyboxLayer, layer, testImage } from "@mesos/images/testing";
import { stopAllProcesses } from "../support/processes.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";

const isRoot = process.getuid?.() === 0;
const canOverlay = isRoot && overlaySupported();
let reg: TestRegistry;

const base = busyboxLayer();
const layer1 = layer([
  { path: "etc/old.conf", content: "old" },
  { path: "etc/kept.conf", content: "kept" },
  { path: "var/cache/a", content: "a" },
  { path: "var/cache/sub/b", content: "b" },
  { path: "data/keep", content: "keep" },
  { path: "data/gone/inner", content: "gone" },
  { path: "data/original", content: "linked" },
  { path: "data/hardlink", type: "hardlink", linkname: "data/original" },
]);
const layer2 = layer([
  { path: "etc/.wh.old.conf", content: "" },
  { path: "var/cache/.wh..wh..opq", content: "" },
  { path: "var/cache/new", content: "new" },
  { path: "data/.wh.gone", content: "" },
]);
const layer3 = layer([
  { path: "app/run.sh", content: "#!/bin/sh\necho run\n", mode: 0o755 },
  { path: "app/link", type: "symlink", linkname: "/etc/kept.conf" },
  { path: "etc/kept.conf", content: "kept, changed on top" },
]);
const threeLayers = testImage([base, layer1, layer2, layer3], { config: { Entrypoint: ["/app/run.sh"], WorkingDir: "/app" } });
const other = testImage([base, layer([{ path: "other.txt", content: "other" }])]);

beforeAll(async () => {
  reg = await startRegistry();
  await pushImage(reg, "store/three", "1", threeLayers);
  await pushImage(reg, "store/other", "1", other);
});
afterAll(stopAllProcesses);

const tmp = (p: string) => mkdtempSync(join(process.env.MESOS_TEST_TMP!, p));

function setup(backendName: BackendName, dirs?: { storeDir: string; workDir: string }) {
  const storeDir = dirs?.storeDir ?? tmp("store-");
  const workDir = dirs?.workDir ?? tmp("provisioner-");
  const backend: ProvisionerBackend =
    backendName === "overlay" ? createOverlayBackend({ log: silentLogger }) : createCopyBackend({ log: silentLogger });
  const store = createDockerStore({ storeDir, registry: reg.url, backend, privileged: isRoot, clock: new ManualClock(), log: silentLogger });
  const provisioner = createProvisioner({ dir: workDir, store, backend, log: silentLogger });
  return { store, provisioner, storeDir, workDir };
}

function expectThreeLayerView(rootfs: string) {
  const read = (p: string) => readFileSync(join(rootfs, p), "utf8");
  expect(existsSync(join(rootfs, "bin/busybox"))).toBe(true);
  expect(existsSync(join(rootfs, "etc/old.conf"))).toBe(false);
  expect(read("etc/kept.conf")).toBe("kept, changed on top");
  expect(readdirSync(join(rootfs, "var/cache"))).toEqual(["new"]);
  expect(readdirSync(join(rootfs, "data")).sort()).toEqual(["hardlink", "keep", "original"]);
  expect(statSync(join(rootfs, "data/hardlink")).ino).toBe(statSync(join(rootfs, "data/original")).ino);
  expect(read("app/run.sh")).toContain("echo run");
  expect(statSync(join(rootfs, "app/run.sh")).mode & 0o777).toBe(0o755);
  expect(readdirSync(rootfs).some((n) => n.startsWith(".wh."))).toBe(false);
}

describe("a 3-layer image with whiteouts and an opaque directory", () => {
  for (const backend of ["overlay", "copy"] as const) {
    test.skipIf(backend === "overlay" && !canOverlay)(`${backend} backend: the container sees the merged tree`, async () => {
      const { provisioner, workDir } = setup(backend);
      const { rootfs, config } = await provisioner.provision("c1", `store/three:1`);
      expect(config.config.Entrypoint).toEqual(["/app/run.sh"]);
      expectThreeLayerView(rootfs);
      // The container's writes land in its own directories, never in the shared layers.
      writeFileSync(join(rootfs, "etc/kept.conf"), "written by c1");
      const second = await provisioner.provision("c2", `store/three:1`);
      expect(readFileSync(join(second.rootfs, "etc/kept.conf"), "utf8")).toBe("kept, changed on top");
      if (backend === "overlay") {
        const scratch = join(workDir, "containers/c1/backends/overlay/scratch");
        const upper = join(scratch, readdirSync(scratch)[0]!, "upperdir");
        expect(readFileSync(join(upper, "etc/kept.conf"), "utf8")).toBe("written by c1");
      }
      await provisioner.destroy("c1");
      await provisioner.destroy("c2");
      expect(existsSync(rootfs)).toBe(false);
      expect(readdirSync(join(workDir, "containers"))).toEqual([]);
    });
  }
});

describe("concurrent pulls", () => {
  test("5 pulls of one image at once: one download per layer", async () => {
    const fresh = testImage([busyboxLayer("zstd"), layer([{ path: "c.txt", content: "concurrent" }])]);
    await pushImage(reg, "store/concurrent", "1", fresh);
    const { store } = setup("copy");
    await reg.settledBlobDownloads();
    const counts = [...fresh.layers, fresh.config].map((b) => reg.blobDownloads(b.digest));
    const images = await Promise.all(Array.from({ length: 5 }, () => store.pull("store/concurrent:1")));
    expect(new Set(images.map((i) => i.manifestDigest)).size).toBe(1);
    await reg.settledBlobDownloads();
    [...fresh.layers, fresh.config].forEach((b, i) => expect(reg.blobDownloads(b.digest) - counts[i]!).toBe(1));
  });

  test("two images sharing a base layer, pulled at once: the base is downloaded once", async () => {
    const shared = busyboxLayer("none");
    const a = testImage([shared, layer([{ path: "a", content: "a" }])]);
    const b = testImage([shared, layer([{ path: "b", content: "b" }])]);
    await pushImage(reg, "store/share-a", "1", a);
    await pushImage(reg, "store/share-b", "1", b);
    const { store } = setup("copy");
    const before = await reg.settledBlobDownloads(shared.digest);
    await Promise.all([store.pull("store/share-a:1"), store.pull("store/share-b:1")]);
    expect((await reg.settledBlobDownloads(shared.digest)) - before).toBe(1);
  });
});

describe("garbage collection", () => {
  test("prune keeps what containers and kept images use and removes the rest", async () => {
    const { store, provisioner } = setup(canOverlay ? "overlay" : "copy");
    const three = await store.pull("store/three:1");
    const oth = await store.pull("store/other:1");
    await provisioner.provision("running", "store/three:1");
    const onlyOther = oth.layers.filter((d) => !three.layers.includes(d));
    expect(onlyOther).toHaveLength(1);

    // Nothing kept but what the running container uses.
    let result = store.prune({ keepImages: [], activeLayers: provisioner.activeLayers() });
    expect(result.removedImages.sort()).toEqual([three.name, oth.name].sort());
    expect(result.removedLayers).toEqual(onlyOther);
    expect(three.layers.every((d) => store.layers.has(d))).toBe(true);

    // Once the container is gone, its layers go too; a kept image keeps its own.
    await store.pull("store/other:1");
    await provisioner.destroy("running");
    result = store.prune({ keepImages: ["store/other:1"], activeLayers: provisioner.activeLayers() });
    expect(result.removedLayers.sort()).toEqual(three.layers.filter((d) => !oth.layers.includes(d)).sort());
    expect(store.images().map((i) => i.name)).toEqual([oth.name]);
    expect(store.layers.list().sort()).toEqual([...oth.layers].sort());
  });
});

describe("crashes and restarts", () => {
  test("staging and gc leftovers of a crash are removed when the store opens", () => {
    const storeDir = tmp("store-");
    mkdirSync(join(storeDir, "staging/half-a-layer/rootfs/usr"), { recursive: true });
    mkdirSync(join(storeDir, "gc/old-layer"), { recursive: true });
    setup("copy", { storeDir, workDir: tmp("provisioner-") });
    expect(readdirSync(join(storeDir, "staging"))).toEqual([]);
    expect(readdirSync(join(storeDir, "gc"))).toEqual([]);
  });

  test.skipIf(!canOverlay)("after a restart the store is reused, known containers keep their rootfs, others are removed", async () => {
    const first = setup("overlay");
    const kept = await first.provisioner.provision("kept", "store/three:1");
    const gone = await first.provisioner.provision("gone", "store/three:1");
    writeFileSync(join(kept.rootfs, "state"), "still here");
    const downloads = await reg.settledBlobDownloads();

    // A new agent process: new store and provisioner objects over the same directories.
    const again = setup("overlay", { storeDir: first.storeDir, workDir: first.workDir });
    expect(await again.provisioner.recover(["kept"])).toEqual(["kept"]);
    expect(readFileSync(join(kept.rootfs, "state"), "utf8")).toBe("still here");
    expect(existsSync(gone.rootfs)).toBe(false);
    expect(existsSync(join(first.workDir, "containers/gone"))).toBe(false);
    expect(again.provisioner.activeLayers()).toEqual(new Set(kept.image.layers));
    expect(again.provisioner.rootfsOf("kept")).toBe(kept.rootfs);
    await again.store.pull("store/three:1");
    expect(await reg.settledBlobDownloads()).toBe(downloads);
    await again.provisioner.destroy("kept");
  });
});
