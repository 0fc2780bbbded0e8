/**
 * Registry authentication and transport against a real registry: htpasswd Basic auth from
 * --docker_config or the image's own secret, Bearer tokens from a token server (cached until they
 * expire, fetched again on a 401, also on a blob), blobs redirected to another host without the
 * Authorization header, and HTTPS with a CA given to the client.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { ManualClock, silentLogger } from "@mesos/core";
import { createCopyBackend, createDockerStore, parseDockerConfig } from "@mesos/images";
import { busyboxLayer, layer, testImage } from "@mesos/images/testing";
import { stopAllProcesses } from "../support/processes.ts";
import { startRegistryFront } from "../support/registry-front.ts";
import { pushImage, selfSignedCertificate, startRegistry } from "../support/registry.ts";
import { startTokenServer } from "../support/token-server.ts";

const isRoot = process.getuid?.() === 0;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const config = (host: string, u: string, p: string) => JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${u}:${p}`).toString("base64") } } });
const image = testImage([busyboxLayer(), layer([{ path: "secret.txt", content: "s3cret" }])]);

function newStore(opts: { registry?: string; dockerConfig?: string; clock?: ManualClock; ca?: string } = {}) {
  return createDockerStore({
    storeDir: mkdtempSync(join(process.env.MESOS_TEST_TMP!, "store-")),
    registry: opts.registry ?? "https://registry-1.docker.io",
    auths: opts.dockerConfig ? parseDockerConfig(opts.dockerConfig) : undefined,
    backend: createCopyBackend({ log: silentLogger }),
    privileged: isRoot,
    clock: opts.clock ?? new ManualClock(),
    log: silentLogger,
    ca: opts.ca,
  });
}

afterAll(stopAllProcesses);

describe("Basic auth (htpasswd)", () => {
  test("credentials from --docker_config or the image's secret; wrong or missing ones are named", async () => {
    const reg = await startRegistry({ users: { alice: "wonderland" } });
    await pushImage(reg, "private/app", "1", image, basic("alice", "wonderland"));
    const name = `${reg.host}/private/app:1`;

    const good = await newStore({ dockerConfig: config(reg.host, "alice", "wonderland") }).pull(name);
    expect(good.layers).toEqual(image.layers.map((l) => l.digest));

    await expect(newStore().pull(name)).rejects.toThrow(
      `Failed to pull image '${name}': registry ${reg.host} wants credentials (Basic auth) and none are configured (401)`,
    );
    await expect(newStore({ dockerConfig: config(reg.host, "alice", "wrong") }).pull(name)).rejects.toThrow(
      `registry ${reg.host} refused the credentials of 'alice' (401)`,
    );
    // The image's own docker config secret wins over the agent's.
    const secret = config(`http://${reg.host}/v2/`, "alice", "wonderland");
    const viaSecret = await newStore({ dockerConfig: config(reg.host, "alice", "wrong") }).pull(name, { dockerConfig: secret });
    expect(viaSecret.layers).toHaveLength(2);
    await reg.stop();
  });
});

describe("Bearer token auth", () => {
  test("the token dance: one token per repository, reused for the blobs, cached until it expires", async () => {
    const tokens = await startTokenServer({ users: { bob: "builder" }, expiresIn: 300 });
    const reg = await startRegistry({ token: tokens });
    await pushImage(reg, "team/app", "1", image, `Bearer ${await tokens.pushToken("team/app")}`);
    const name = `${reg.host}/team/app:1`;
    const clock = new ManualClock(Date.now());
    const store = newStore({ dockerConfig: config(reg.host, "bob", "builder"), clock });

    await store.pull(name);
    expect(tokens.requests).toEqual([{ scope: "repository:team/app:pull", user: "bob" }]);
    // Still valid: the manifest and config are fetched again with the cached token.
    await store.pull(name, { cached: false });
    expect(tokens.requests).toHaveLength(1);
    // Expired on our clock: a new token first.
    clock.advance(301_000);
    await store.pull(name, { cached: false });
    expect(tokens.requests).toHaveLength(2);

    await expect(newStore({ dockerConfig: config(reg.host, "bob", "nope") }).pull(name)).rejects.toThrow(
      /the token server of 127\.0\.0\.1:\d+ refused the credentials of 'bob' \(401\)/,
    );
    await expect(newStore().pull(name)).rejects.toThrow(/the token server of .* wants credentials and none are configured/);
    tokens.stop();
    await reg.stop();
  });

  test("a 401 on a blob (token expired mid-pull) repeats the dance and the download", async () => {
    const tokens = await startTokenServer({ expiresIn: 300 });
    const reg = await startRegistry({ token: tokens });
    await pushImage(reg, "team/blob401", "1", image, `Bearer ${await tokens.pushToken("team/blob401")}`);
    const challenge = `Bearer realm="${tokens.realm}",service="${tokens.service}",scope="repository:team/blob401:pull"`;
    const front = startRegistryFront(reg.url, { rejectFirstBlobWith: challenge });
    const pulled = await newStore().pull(`${front.host}/team/blob401:1`);
    expect(pulled.layers).toHaveLength(2);
    // One token for the manifest, a second after the blob's 401.
    expect(tokens.requests).toHaveLength(2);
    front.stop();
    tokens.stop();
    await reg.stop();
  });
});

describe("transport", () => {
  test("blobs redirected to another host are fetched without our Authorization header", async () => {
    const reg = await startRegistry({ users: { carol: "c" } });
    await pushImage(reg, "cdn/app", "1", image, basic("carol", "c"));
    const front = startRegistryFront(reg.url, { redirectBlobs: true, blobServerAuthorization: basic("carol", "c") });
    const pulled = await newStore({ dockerConfig: config(front.host, "carol", "c") }).pull(`${front.host}/cdn/app:1`);
    expect(pulled.layers).toHaveLength(2);
    // Config + 2 layers went through the blob host, none with our credentials; the front got them.
    expect(front.blobServerAuth).toEqual([null, null, null]);
    expect(front.frontAuth.every((a) => a === basic("carol", "c"))).toBe(true);
    front.stop();
    await reg.stop();
  });

  test("HTTPS with the registry's CA; an untrusted certificate is an error", async () => {
    const cert = await selfSignedCertificate("127.0.0.1");
    const reg = await startRegistry({ tls: cert });
    await pushImage(reg, "tls/app", "1", image);
    const pulled = await newStore({ registry: reg.url, ca: cert.cert }).pull("tls/app:1");
    expect(pulled.name).toBe(`${reg.host}/tls/app:1`);
    await expect(newStore({ registry: reg.url }).pull("tls/app:1")).rejects.toThrow(
      /Failed to pull image 'tls\/app:1': cannot reach 127\.0\.0\.1:\d+/,
    );
    await reg.stop();
  });
});
