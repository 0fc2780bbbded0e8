/**
 * `--docker_registry=/path`: images from `docker save` archives (written by skopeo's
 * docker-archive transport, as `docker save` writes them) and OCI layouts (skopeo's oci transport),
 * named as Mesos names them (`/path/<name>.tar`), and an OCI layout built by umoci, whose layers
 * carry the whiteouts umoci computes from a changed tree.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, silentLogger } from "@mesos/core";
import { createCopyBackend, createDockerStore, createProvisioner } from "@mesos/images";
import { busyboxLayer, layer, testImage } from "@mesos/images/testing";
import { stopAllProcesses } from "../support/processes.ts";
import { pushImage, skopeo, startRegistry } from "../support/registry.ts";

const isRoot = process.getuid?.() === 0;
const image = testImage([busyboxLayer(), layer([{ path: "local.txt", content: "from a local archive" }])], {
  config: { Cmd: ["/bin/cat", "/local.txt"] },
});
let archives: string;

const backend = createCopyBackend({ log: silentLogger });

function newStore(registry = archives) {
  const storeDir = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "store-"));
  const store = createDockerStore({ storeDir, registry, backend, privileged: isRoot, clock: new ManualClock(), log: silentLogger });
  return { store, storeDir };
}

beforeAll(async () => {
  const reg = await startRegistry();
  await pushImage(reg, "local/app", "1", image);
  archives = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "archives-"));
  const src = `docker://${reg.host}/local/app:1`;
  await skopeo(["copy", "--src-tls-verify=false", src, `docker-archive:${join(archives, "app.tar")}:app:latest`]);
  // skopeo cannot write a path with ':' in it: rename after.
  await skopeo(["copy", "--src-tls-verify=false", src, `docker-archive:${join(archives, "app-1.tar")}:app:1`]);
  renameSync(join(archives, "app-1.tar"), join(archives, "app:1.tar"));
  await skopeo(["copy", "--src-tls-verify=false", src, `oci:${join(archives, "ociapp")}:2`]);
  await skopeo(["copy", "--src-tls-verify=false", src, `oci-archive:${join(archives, "ocitar-3.tar")}:3`]);
  renameSync(join(archives, "ocitar-3.tar"), join(archives, "ocitar:3.tar"));
  await reg.stop();
});
afterAll(stopAllProcesses);

describe("local directory source", () => {
  test("docker save archives: <name>.tar and <name>:<tag>.tar", async () => {
    const { store, storeDir } = newStore();
    for (const name of ["app", "app:1"]) {
      const pulled = await store.pull(name);
      expect(pulled.layers).toEqual(image.layers.map((l) => l.diffId));
      expect(pulled.config.config.Cmd).toEqual(["/bin/cat", "/local.txt"]);
      expect(readFileSync(join(store.layerPaths(pulled)[1]!, "local.txt"), "utf8")).toBe("from a local archive");
    }
    expect(
      store
        .images()
        .map((i) => i.name)
        .sort(),
    ).toEqual(["app:1", "app:latest"]);
    // The unpacked archive is gone once the layers are stored.
    expect(readdirSync(join(storeDir, "staging"))).toEqual([]);
  });

  test("OCI layouts, as a directory and as a tar archive", async () => {
    const { store } = newStore();
    const dir = await store.pull("ociapp:2");
    expect(dir.manifestDigest).toBeDefined();
    expect(readFileSync(join(store.layerPaths(dir)[1]!, "local.txt"), "utf8")).toBe("from a local archive");
    const tar = await store.pull("ocitar:3");
    expect(tar.layers).toEqual(dir.layers);
  });

  test("a missing image names where it was looked for; a wrong tag lists what there is", async () => {
    const { store } = newStore();
    await expect(store.pull("nothing:1")).rejects.toThrow(
      /Failed to pull image 'nothing:1': no archive for it in '.*' \(looked for '.*nothing:1.tar'/,
    );
    await expect(store.pull("ociapp:9")).rejects.toThrow(/has no image named 'ociapp:9' \(it has 2\)/);
  });

  test("a tampered layer in an archive fails the pull and stores nothing of it", async () => {
    const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "tampered-"));
    await skopeo(["copy", `oci:${join(archives, "ociapp")}:2`, `oci:${join(dir, "bad")}:1`]);
    const blobs = join(dir, "bad/blobs/sha256");
    const victim = image.layers[1]!.digest.slice(7);
    const bytes = readFileSync(join(blobs, victim));
    bytes[bytes.length - 20]! ^= 0xff;
    writeFileSync(join(blobs, victim), bytes);
    const { store } = newStore(dir);
    await expect(store.pull("bad:1")).rejects.toThrow(/digest mismatch/);
    expect(store.layers.has(image.layers[1]!.digest)).toBe(false);
    expect(store.images()).toEqual([]);
  });

  test("an image built by umoci: its whiteout hides the lower layer's file", async () => {
    const work = mkdtempSync(join(process.env.MESOS_TEST_TMP!, "umoci-"));
    const layout = join(work, "built");
    await umoci(["init", "--layout", layout]);
    await umoci(["new", "--image", `${layout}:1`]);
    await umoci(["unpack", "--rootless", "--image", `${layout}:1`, join(work, "b1")]);
    mkdirSync(join(work, "b1/rootfs/bin"), { recursive: true });
    mkdirSync(join(work, "b1/rootfs/etc"), { recursive: true });
    copyFileSync("/bin/busybox", join(work, "b1/rootfs/bin/busybox"));
    writeFileSync(join(work, "b1/rootfs/etc/gone"), "removed in layer 2");
    writeFileSync(join(work, "b1/rootfs/etc/kept"), "kept");
    await umoci(["repack", "--image", `${layout}:1`, join(work, "b1")]);
    await umoci(["unpack", "--rootless", "--image", `${layout}:1`, join(work, "b2")]);
    rmSync(join(work, "b2/rootfs/etc/gone"));
    await umoci(["repack", "--image", `${layout}:1`, join(work, "b2")]);
    await umoci(["config", "--image", `${layout}:1`, "--config.cmd", "/bin/busybox"]);

    const { store } = newStore(work);
    const provisioner = createProvisioner({ dir: join(work, "provisioner"), store, backend, log: silentLogger });
    const { rootfs, config } = await provisioner.provision("u1", "built:1");
    expect(config.config.Cmd).toEqual(["/bin/busybox"]);
    expect(existsSync(join(rootfs, "etc/gone"))).toBe(false);
    expect(readFileSync(join(rootfs, "etc/kept"), "utf8")).toBe("kept");
    expect(existsSync(join(rootfs, "bin/busybox"))).toBe(true);
    await provisioner.destroy("u1");
  });
});

async function umoci(args: string[]): Promise<void> {
  const p = Bun.spawn(["umoci", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`umoci ${args.join(" ")} failed (${code}): ${err}`);
}
