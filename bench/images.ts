/**
 * Container images on one agent (issue #12), against a real registry (Debian's docker-registry on
 * 127.0.0.1), with the linux launcher and the overlay backend; containers go through the agent's v1
 * API (LAUNCH_CONTAINER of a standalone container running /bin/true, WAIT_CONTAINER,
 * REMOVE_CONTAINER). Prints:
 *   1. a cold pull + first launch of a ~30 MB 3-layer image: seconds and MB/s;
 *   2. warm launches (image in the store) p50/p90 next to the same launch without an image, in one
 *      run, alternating; the image's overhead at p50 (the target: <= 20 ms);
 *   3. 20 launches at once of a cold image: layer downloads counted at the registry (= layers).
 * Needs root (the linux launcher, overlayfs) and /usr/bin/docker-registry.
 *
 *   npx bun bench/images.ts [--warm=200] [--helper=PATH]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { agentFlagSpecs, startAgent } from "@mesos/agent";
import { parseFlags, silentLogger } from "@mesos/core";
import { busyboxLayer, layer, pushImage, startRegistry, testImage } from "@mesos/images/testing";
import { agent as api, ContainerInfo_Type, Image_Type } from "@mesos/proto";
import { findOrBuildHelper } from "./support/launch-helper.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const warmCount = Number(arg("warm", "200"));

if (process.getuid?.() !== 0) {
  console.error("bench/images.ts needs root (the linux launcher and overlayfs)");
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "bench-images-"));
const helper = arg("helper", "") || findOrBuildHelper(scratch);

/** Incompressible bytes, so the compressed layer is as big as the data. */
function noise(bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(bytes, i + 65_536)));
  return out;
}

const registry = await startRegistry();
const big = testImage([
  busyboxLayer(),
  layer([{ path: "data/one.bin", content: noise(14_500_000) }]),
  layer([{ path: "data/two.bin", content: noise(14_500_000) }]),
]);
const bigBytes = [...big.layers, big.config].reduce((n, b) => n + b.size, 0);
await pushImage(registry, "bench/big", "1", big);
const cold = testImage([
  busyboxLayer("zstd"),
  layer([{ path: "a.bin", content: noise(2_000_000) }]),
  layer([{ path: "b.bin", content: noise(2_000_000) }]),
]);
await pushImage(registry, "bench/cold", "1", cold);

const flags = parseFlags(
  agentFlagSpecs,
  [
    "--master=127.0.0.1:1", // no master needed: the v1 API works while the agent looks for one
    `--work_dir=${join(scratch, "agent")}`,
    "--port=0",
    "--resources=cpus:64;mem:65536;disk:100000",
    "--launcher=linux",
    "--isolation=filesystem/linux,docker/runtime",
    "--image_providers=docker",
    "--image_provisioner_backend=overlay",
    `--docker_registry=${registry.url}`,
    `--docker_store_dir=${join(scratch, "store")}`,
  ],
  {},
);
const agent = await startAgent({ flags: flags.values, effectiveFlags: flags.effective, log: silentLogger, launchHelperCommand: [helper] });
const client = createClient(api.Agent, createConnectTransport({ baseUrl: agent.url, httpVersion: "1.1" }));

let serial = 0;
/** Launches /bin/true (in `image`, if given) and returns the launch's latency; waits for the end and removes it. */
async function launch(image?: string): Promise<number> {
  const containerId = { value: `bench-${serial++}` };
  const started = performance.now();
  await client.call(
    create(api.CallSchema, {
      type: api.Call_Type.LAUNCH_CONTAINER,
      launchContainer: {
        containerId,
        command: { value: "/bin/true", arguments: ["true"], shell: false },
        container: image ? { type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name: image } } } } : undefined,
        resources: [
          { name: "cpus", type: 0, scalar: { value: 0.1 } },
          { name: "mem", type: 0, scalar: { value: 32 } },
        ],
      },
    }),
  );
  const launched = performance.now() - started;
  const wait = await client.call(create(api.CallSchema, { type: api.Call_Type.WAIT_CONTAINER, waitContainer: { containerId } }));
  if (wait.waitContainer?.exitStatus !== 0) throw new Error(`container ${containerId.value} ended with ${wait.waitContainer?.exitStatus}`);
  await client.call(create(api.CallSchema, { type: api.Call_Type.REMOVE_CONTAINER, removeContainer: { containerId } }));
  return launched;
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

try {
  console.log(`images: helper ${helper}; launcher linux; overlay backend; registry ${registry.url}; ${navigator.hardwareConcurrency} cpus`);
  await launch(); // warm-up of the launch path (page cache, JIT), without an image

  const coldMs = await launch("bench/big:1");
  console.log(
    `cold pull + first launch of a 3-layer image of ${(bigBytes / 1e6).toFixed(1)} MB: ${(coldMs / 1000).toFixed(2)} s (${(bigBytes / 1e6 / (coldMs / 1000)).toFixed(1)} MB/s)`,
  );

  const plain: number[] = [];
  const withImage: number[] = [];
  for (let i = 0; i < warmCount; i++) {
    plain.push(await launch());
    withImage.push(await launch("bench/big:1"));
  }
  const line = (what: string, xs: number[]) => `${what} p50 ${pct(xs, 0.5).toFixed(1)} ms, p90 ${pct(xs, 0.9).toFixed(1)} ms`;
  console.log(`warm launches, ${warmCount} each, alternating: ${line("no image", plain)}; ${line("image (overlay)", withImage)}`);
  console.log(`image overhead at p50: ${(pct(withImage, 0.5) - pct(plain, 0.5)).toFixed(1)} ms (target <= 20 ms)`);

  const started = performance.now();
  await Promise.all(Array.from({ length: 20 }, () => launch("bench/cold:1")));
  const seconds = (performance.now() - started) / 1000;
  await Bun.sleep(500); // the registry logs a request after its response
  const downloads = cold.layers.map((l) => registry.blobDownloads(l.digest));
  console.log(
    `20 concurrent launches of a cold 3-layer image: ${seconds.toFixed(2)} s; layer downloads ${downloads.reduce((a, b) => a + b, 0)} (${downloads.join("+")}) for ${cold.layers.length} layers`,
  );
} finally {
  await agent.stop();
  await registry.stop();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(0);
