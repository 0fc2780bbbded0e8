import { describe, expect, test } from "bun:test";
import { digestOf } from "./digest.ts";
import { parseManifest } from "./manifest.ts";
import { MediaType } from "./media-types.ts";
import { choosePlatform, hostPlatform } from "./platform.ts";
import { uniqueLayers } from "./schema1.ts";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const enc = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

const image = {
  schemaVersion: 2,
  mediaType: MediaType.dockerSchema2,
  config: { mediaType: MediaType.dockerConfig, digest: d("c"), size: 10 },
  layers: [
    { mediaType: MediaType.dockerLayer, digest: d("1"), size: 5 },
    { mediaType: MediaType.dockerLayer, digest: d("2"), size: 6 },
  ],
};

describe("parseManifest", () => {
  test("Docker schema 2 and OCI manifests, by Content-Type or by body", () => {
    const m = parseManifest(enc(image), MediaType.dockerSchema2, "m");
    expect(m.kind).toBe("image");
    if (m.kind !== "image") return;
    expect(m.layers.map((l) => l.digest)).toEqual([d("1"), d("2")]);
    expect(m.config.digest).toBe(d("c"));
    // A generic Content-Type: the body's mediaType decides; without one, the shape does.
    expect(parseManifest(enc(image), "application/json", "m").mediaType).toBe(MediaType.dockerSchema2);
    const oci = { ...image, mediaType: undefined, config: { ...image.config, mediaType: MediaType.ociConfig } };
    expect(parseManifest(enc(oci), null, "m").mediaType).toBe(MediaType.ociManifest);
  });

  test("indexes and manifest lists; the host's platform is chosen", () => {
    const host = hostPlatform();
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [
        { mediaType: MediaType.ociManifest, digest: d("a"), size: 1, platform: { os: "linux", architecture: "s390x" } },
        {
          mediaType: MediaType.ociManifest,
          digest: d("b"),
          size: 1,
          platform: { os: host.os, architecture: host.architecture, variant: host.variant },
        },
        { mediaType: MediaType.ociManifest, digest: d("e"), size: 1, platform: { os: "unknown", architecture: "unknown" } },
      ],
    };
    const m = parseManifest(enc(index), MediaType.ociIndex, "i");
    expect(m.kind).toBe("index");
    if (m.kind !== "index") return;
    expect(choosePlatform(m.manifests, host)?.digest).toBe(d("b"));
    expect(choosePlatform(m.manifests, { os: "linux", architecture: "riscv64" })).toBeUndefined();
    const list = { ...index, mediaType: MediaType.dockerManifestList };
    expect(parseManifest(enc(list), "text/plain", "i").kind).toBe("index");
  });

  test("platform variants: exact first, then none; arm64 v8 is arm64", () => {
    const entries = [
      { platform: { os: "linux", architecture: "arm", variant: "v6" }, n: 1 },
      { platform: { os: "linux", architecture: "arm", variant: "v7" }, n: 2 },
      { platform: { os: "linux", architecture: "arm64" }, n: 3 },
    ];
    expect(choosePlatform(entries, { os: "linux", architecture: "arm", variant: "v7" })?.n).toBe(2);
    expect(choosePlatform(entries, { os: "linux", architecture: "arm", variant: "v5" })).toBeUndefined();
    expect(choosePlatform(entries, { os: "linux", architecture: "arm64", variant: "v8" })?.n).toBe(3);
  });

  test("a layer listed twice is stacked once, at its topmost place", () => {
    expect(uniqueLayers(["a", "b", "a", "c"], (x) => x)).toEqual(["b", "a", "c"]);
  });

  test("schema 1, signed: layers base first, config from history[0], digest over the payload", () => {
    const v1 = (o: object) => ({ v1Compatibility: JSON.stringify(o) });
    const payload = JSON.stringify(
      {
        schemaVersion: 1,
        name: "x",
        tag: "1",
        architecture: "amd64",
        fsLayers: [{ blobSum: d("3") }, { blobSum: d("4") }],
        history: [v1({ id: "top", config: { Cmd: ["/bin/sh"], Env: ["A=1"] } }), v1({ id: "base" })],
      },
      null,
      3,
    );
    const cut = payload.lastIndexOf("\n}");
    const protectedHeader = Buffer.from(JSON.stringify({ formatLength: cut, formatTail: Buffer.from("\n}").toString("base64url") })).toString(
      "base64url",
    );
    const body = `${payload.slice(0, cut)},\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "x", "protected": "${protectedHeader}"}]\n}`;
    const m = parseManifest(enc(body), MediaType.dockerSchema1Signed, "s1");
    expect(m.kind).toBe("schema1");
    if (m.kind !== "schema1") return;
    expect(m.layers).toEqual([d("4"), d("3")]);
    expect(m.config.config.Cmd).toEqual(["/bin/sh"]);
    expect(m.config.architecture).toBe("amd64");
    expect(digestOf(m.payload)).toBe(digestOf(payload));
    // Unsigned: the body is the payload.
    const unsigned = parseManifest(enc(payload), MediaType.dockerSchema1, "s1");
    expect(unsigned.kind === "schema1" && digestOf(unsigned.payload)).toBe(digestOf(payload));
  });

  test("what is not an image is refused with a reason", () => {
    expect(() => parseManifest(enc("{"), MediaType.dockerSchema2, "the manifest of x")).toThrow(/the manifest of x is not JSON/);
    expect(() => parseManifest(enc(image), "application/vnd.example+json", "m")).toThrow(
      /unsupported manifest type 'application\/vnd.example\+json'/,
    );
    const helm = { ...image, config: { ...image.config, mediaType: "application/vnd.cncf.helm.config.v1+json" } };
    expect(() => parseManifest(enc(helm), MediaType.ociManifest, "m")).toThrow(/not a container image config/);
    const badLayer = { ...image, layers: [{ mediaType: "application/x-bzip", digest: d("1"), size: 1 }] };
    expect(() => parseManifest(enc(badLayer), MediaType.dockerSchema2, "m")).toThrow(/unsupported type 'application\/x-bzip'/);
    const noDigest = { ...image, layers: [{ mediaType: MediaType.dockerLayer, size: 1 }] };
    expect(() => parseManifest(enc(noDigest), MediaType.dockerSchema2, "m")).toThrow(/layers\[0\] has no digest/);
    expect(() => parseManifest(enc({ schemaVersion: 1, fsLayers: [{ blobSum: d("1") }], history: [] }), MediaType.dockerSchema1, "m")).toThrow(
      /different sizes/,
    );
  });
});
