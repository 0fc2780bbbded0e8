/**
 * Pulling from a real registry (Debian's docker-registry) every kind of manifest: Docker schema 2,
 * schema 1 signed (converted by skopeo) and unsigned, OCI manifest, OCI index, a two-architecture
 * manifest list; and every bad answer: unknown tag, unknown registry, another architecture only, a
 * manifest type we do not read, a corrupted or truncated blob, a tampered manifest.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, silentLogger } from "@mesos/core";
import { createCopyBackend, createDockerStore, hostPlatform, type PullEvent } from "@mesos/images";
import { blob, busyboxLayer, imageIndex, layer, testImage } from "@mesos/images/testing";
import { stopAllProcesses } from "../support/processes.ts";
import { startRegistryFront } from "../support/registry-front.ts";
import { pushBlob, pushImage, pushManifest, skopeo, startRegistry, type TestRegistry } from "../support/registry.ts";

const isRoot = process.getuid?.() === 0;
let reg: TestRegistry;
const base = busyboxLayer();
const app = layer([{ path: "app/hello.txt", content: "hello from the app layer\n" }]);

function newStore(registry = "https://registry-1.docker.io") {
  const storeDir = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "store-"));
  const store = createDockerStore({
    storeDir,
    registry,
    backend: createCopyBackend({ log: silentLogger }),
    privileged: isRoot,
    clock: new ManualClock(),
    log: silentLogger,
  });
  return { store, storeDir };
}

/** The store holds no layer, no staging leftover and no image record. */
function expectEmptyStore(storeDir: string) {
  expect(readdirSync(join(storeDir, "staging"))).toEqual([]);
  const layers = join(storeDir, "layers", "sha256");
  expect(existsSync(layers) ? readdirSync(layers) : []).toEqual([]);
  expect(existsSync(join(storeDir, "images.json")) ? JSON.parse(readFileSync(join(storeDir, "images.json"), "utf8")).images : []).toEqual([]);
}

beforeAll(async () => {
  reg = await startRegistry();
  await pushImage(reg, "fmt/docker", "1", testImage([base, app], { config: { Cmd: ["/bin/sh", "-c", "cat /app/hello.txt"], Env: ["A=1"] } }));
  const oci = testImage([busyboxLayer("zstd", "oci"), layer([{ path: "oci.txt", content: "oci" }], "none", "oci")], {}, "oci");
  await pushImage(reg, "fmt/oci", "1", oci);
});

afterAll(stopAllProcesses);

describe("manifest kinds", () => {
  test("Docker schema 2: layers stored and unpacked, config read, progress reported", async () => {
    const { store } = newStore();
    const events: PullEvent[] = [];
    const image = await store.pull(`${reg.host}/fmt/docker:1`, { onEvent: (e) => events.push(e) });
    expect(image.name).toBe(`${reg.host}/fmt/docker:1`);
    expect(image.layers).toEqual([base.digest, app.digest]);
    expect(image.config.config.Cmd).toEqual(["/bin/sh", "-c", "cat /app/hello.txt"]);
    const [baseDir, appDir] = store.layerPaths(image);
    expect(existsSync(join(baseDir!, "bin/busybox"))).toBe(true);
    expect(readFileSync(join(appDir!, "app/hello.txt"), "utf8")).toBe("hello from the app layer\n");
    expect(events[0]).toMatchObject({ type: "resolved", layers: 2, storedLayers: 0, bytes: base.size + app.size });
    expect(events.filter((e) => e.type === "layer-done")).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: "pulled", layers: 2, downloadedBytes: base.size + app.size, cached: false });
  });

  test("OCI manifest with zstd and uncompressed layers", async () => {
    const { store } = newStore();
    const image = await store.pull(`${reg.host}/fmt/oci:1`);
    expect(image.layers).toHaveLength(2);
    expect(readFileSync(join(store.layerPaths(image)[1]!, "oci.txt"), "utf8")).toBe("oci");
  });

  test("a stored image is used again without the registry; cached: false asks again", async () => {
    const { store } = newStore();
    await store.pull(`${reg.host}/fmt/docker:1`);
    const before = await reg.settledBlobDownloads();
    const events: PullEvent[] = [];
    await store.pull(`${reg.host}/fmt/docker:1`, { onEvent: (e) => events.push(e) });
    expect(events).toEqual([{ type: "pulled", image: `${reg.host}/fmt/docker:1`, layers: 2, downloadedBytes: 0, ms: 0, cached: true }]);
    await store.pull(`${reg.host}/fmt/docker:1`, { cached: false });
    // Asked the registry for the manifest and config again, but no layer was downloaded again.
    expect((await reg.settledBlobDownloads()) - before).toBe(1);
  });

  test("pull by digest; the digest wins over a tag", async () => {
    const img = testImage([base], { config: { Cmd: ["/bin/true"] } });
    await pushImage(reg, "fmt/bydigest", "1", img);
    const { store } = newStore();
    const image = await store.pull(`${reg.host}/fmt/bydigest:nosuchtag@${img.manifest.digest}`);
    expect(image.manifestDigest).toBe(img.manifest.digest);
    expect(image.config.config.Cmd).toEqual(["/bin/true"]);
  });

  test("OCI index and Docker manifest list with two architectures: the agent's is chosen", async () => {
    const host = hostPlatform();
    const other = host.architecture === "arm64" ? "amd64" : "arm64";
    const mine = testImage([base, layer([{ path: "arch", content: host.architecture }])]);
    const theirs = testImage([base, layer([{ path: "arch", content: other }])], { architecture: other });
    for (const [repo, format] of [
      ["fmt/list", "docker"],
      ["fmt/index", "oci"],
    ] as const) {
      await pushImage(reg, repo, "mine", mine);
      await pushImage(reg, repo, "theirs", theirs);
      const index = imageIndex(
        [
          { manifest: theirs.manifest, platform: { os: "linux", architecture: other } },
          { manifest: mine.manifest, platform: { os: "linux", architecture: host.architecture, variant: host.variant } },
        ],
        format,
      );
      await pushManifest(reg, repo, "multi", index);
      const { store } = newStore();
      const image = await store.pull(`${reg.host}/${repo}:multi`);
      expect(image.manifestDigest).toBe(mine.manifest.digest);
      expect(readFileSync(join(store.layerPaths(image)[1]!, "arch"), "utf8")).toBe(host.architecture);
    }
  });

  test("schema 1, signed (skopeo's conversion) and unsigned (served as v1+json)", async () => {
    await skopeo([
      "copy",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      "--format",
      "v2s1",
      `docker://${reg.host}/fmt/docker:1`,
      `docker://${reg.host}/fmt/schema1:1`,
    ]);
    const res = await fetch(`${reg.url}/v2/fmt/schema1/manifests/1`, {
      headers: { Accept: "application/vnd.docker.distribution.manifest.v1+prettyjws" },
    });
    expect(res.headers.get("content-type")).toBe("application/vnd.docker.distribution.manifest.v1+prettyjws");
    expect(await res.text()).toContain('"signatures"');

    const { store } = newStore();
    const signed = await store.pull(`${reg.host}/fmt/schema1:1`);
    expect(signed.layers).toContain(base.digest);
    expect(signed.layers.at(-1)).toBe(app.digest);
    expect(signed.config.config.Cmd).toEqual(["/bin/sh", "-c", "cat /app/hello.txt"]);
    expect(signed.manifestDigest).toBe(res.headers.get("docker-content-digest")!);
    expect(readFileSync(join(store.layerPaths(signed).at(-1)!, "app/hello.txt"), "utf8")).toContain("app layer");

    const front = startRegistryFront(reg.url, { unsignSchema1: true });
    try {
      const other = newStore();
      const unsigned = await other.store.pull(`${front.host}/fmt/schema1:1`);
      expect(unsigned.layers).toEqual(signed.layers);
      expect(unsigned.config.config.Cmd).toEqual(signed.config.config.Cmd);
    } finally {
      front.stop();
    }
  });

  test("--docker_registry names the registry of names without one", async () => {
    const { store } = newStore(reg.url);
    const image = await store.pull("fmt/docker:1");
    expect(image.name).toBe(`${reg.host}/fmt/docker:1`);
  });
});

describe("bad answers fail the pull, name the image and the cause, and store nothing", () => {
  test("unknown tag and unknown repository", async () => {
    const { store, storeDir } = newStore();
    await expect(store.pull(`${reg.host}/fmt/docker:nope`)).rejects.toThrow(
      `Failed to pull image '${reg.host}/fmt/docker:nope': manifest unknown (404)`,
    );
    await expect(store.pull(`${reg.host}/no/such:1`)).rejects.toThrow(/Failed to pull image '127.0.0.1:\d+\/no\/such:1': manifest unknown \(404\)/);
    expectEmptyStore(storeDir);
  });

  test("unknown registry host", async () => {
    const { store, storeDir } = newStore();
    await expect(store.pull("127.0.0.1:1/x:1")).rejects.toThrow(/Failed to pull image '127.0.0.1:1\/x:1': cannot reach 127.0.0.1:1/);
    expectEmptyStore(storeDir);
  });

  test("a manifest list without the agent's architecture", async () => {
    const only = testImage([base], { architecture: "s390x" });
    const other = hostPlatform().architecture === "s390x" ? "ppc64le" : "s390x";
    await pushImage(reg, "bad/otherarch", "single", testImage([base], { architecture: other }));
    await pushImage(reg, "bad/otherarch", "x", only);
    const list = imageIndex([{ manifest: only.manifest, platform: { os: "linux", architecture: "s390x" } }], "docker");
    await pushManifest(reg, "bad/otherarch", "list", list);
    const { store, storeDir } = newStore();
    if (hostPlatform().architecture !== "s390x") {
      await expect(store.pull(`${reg.host}/bad/otherarch:list`)).rejects.toThrow(
        /no image for linux\/\w+ in the manifest list of .* \(it has linux\/s390x\)/,
      );
    }
    await expect(store.pull(`${reg.host}/bad/otherarch:single`)).rejects.toThrow(/is for linux\/\w+, but this agent runs linux\//);
    expectEmptyStore(storeDir);
  });

  test("a manifest of a type we do not read (an artifact)", async () => {
    const cfg = blob("{}", "application/vnd.cncf.helm.config.v1+json");
    await pushBlob(reg, "bad/artifact", cfg);
    const m = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: cfg.mediaType, digest: cfg.digest, size: cfg.size },
        layers: [],
      }),
      "application/vnd.oci.image.manifest.v1+json",
    );
    await pushManifest(reg, "bad/artifact", "1", m);
    const { store, storeDir } = newStore();
    await expect(store.pull(`${reg.host}/bad/artifact:1`)).rejects.toThrow(/not a container image config/);
    expectEmptyStore(storeDir);
  });

  test("a corrupted blob (digest mismatch) and a truncated one", async () => {
    const victim = layer([{ path: "data.bin", content: new Uint8Array(200_000).map((_, i) => (i * 7) % 256) }]);
    const victim2 = layer([{ path: "other.bin", content: new Uint8Array(100_000).map((_, i) => (i * 3) % 256) }]);
    await pushImage(reg, "bad/corrupt", "1", testImage([base, victim]));
    await pushImage(reg, "bad/truncated", "1", testImage([base, victim2]));
    const data = (d: string) => join(reg.dataDir, "docker/registry/v2/blobs/sha256", d.slice(7, 9), d.slice(7), "data");
    const flipped = new Uint8Array(victim.bytes);
    flipped[flipped.length - 100]! ^= 0xff;
    writeFileSync(data(victim.digest), flipped);
    writeFileSync(data(victim2.digest), victim2.bytes.subarray(0, victim2.size - 1000));

    const { store, storeDir } = newStore();
    await expect(store.pull(`${reg.host}/bad/corrupt:1`)).rejects.toThrow(
      new RegExp(`Failed to pull image '.*bad/corrupt:1': layer ${victim.digest}: digest mismatch for blob ${victim.digest}`),
    );
    await expect(store.pull(`${reg.host}/bad/truncated:1`)).rejects.toThrow(/has \d+ bytes, the manifest says \d+/);
    // The good base layer may have been stored; the bad ones never, and no image record exists.
    expect(store.layers.has(victim.digest)).toBe(false);
    expect(store.layers.has(victim2.digest)).toBe(false);
    expect(store.images()).toEqual([]);
    expect(readdirSync(join(storeDir, "staging"))).toEqual([]);
  });

  test("a tampered manifest (the registry's digest does not match the bytes)", async () => {
    const img = testImage([base], { config: { Cmd: ["/bin/sh"] } });
    await pushImage(reg, "bad/tampered", "1", img);
    const d = img.manifest.digest;
    const path = join(reg.dataDir, "docker/registry/v2/blobs/sha256", d.slice(7, 9), d.slice(7), "data");
    writeFileSync(path, new TextDecoder().decode(img.manifest.bytes).replace('"schemaVersion":2', '"schemaVersion": 2'));
    const { store, storeDir } = newStore();
    await expect(store.pull(`${reg.host}/bad/tampered:1`)).rejects.toThrow(/digest mismatch for the manifest of .*bad\/tampered:1/);
    expectEmptyStore(storeDir);
  });
});
