/**
 * Builds images for tests without Docker: layers from tar entries (Debian's busybox-static as a
 * base), configs, Docker schema 2 and OCI manifests, manifest lists and OCI indexes, and OCI
 * layouts on disk.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostPlatform } from "../src/platform.ts";
import { type TarInput, writeTar } from "./tar-writer.ts";

export interface Blob {
  bytes: Uint8Array;
  digest: string;
  size: number;
  mediaType: string;
}

export interface Layer extends Blob {
  /** The uncompressed tar's digest. */
  diffId: string;
}

export type Compression = "gzip" | "zstd" | "none";
export type ManifestFormat = "docker" | "oci";

export const BUSYBOX = "/bin/busybox";
const APPLETS = [
  "sh",
  "ls",
  "cat",
  "echo",
  "id",
  "pwd",
  "env",
  "sleep",
  "true",
  "false",
  "test",
  "mkdir",
  "rm",
  "touch",
  "stat",
  "readlink",
  "wc",
  "uname",
  "head",
];

const sha256 = (b: Uint8Array | string) => `sha256:${new Bun.CryptoHasher("sha256").update(b).digest("hex")}`;

export function blob(bytes: Uint8Array | string, mediaType: string): Blob {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  return { bytes: data, digest: sha256(data), size: data.length, mediaType };
}

export function layer(entries: TarInput[], compression: Compression = "gzip", format: ManifestFormat = "docker"): Layer {
  const tar = writeTar(entries);
  const bytes = compression === "gzip" ? Bun.gzipSync(tar) : compression === "zstd" ? new Uint8Array(Bun.zstdCompressSync(tar)) : tar;
  const mediaType =
    format === "docker"
      ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
      : `application/vnd.oci.image.layer.v1.tar${compression === "none" ? "" : `+${compression}`}`;
  return { ...blob(bytes, mediaType), diffId: sha256(tar) };
}

/** busybox-static as /bin/busybox with its applets as symlinks, plus /etc/passwd and /tmp. */
export function busyboxLayer(compression: Compression = "gzip", format: ManifestFormat = "docker"): Layer {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: install Debian's busybox-static`);
  return layer(
    [
      { path: "bin/", type: "directory" },
      { path: "bin/busybox", content: readFileSync(BUSYBOX), mode: 0o755 },
      ...APPLETS.map((a): TarInput => ({ path: `bin/${a}`, type: "symlink", linkname: "busybox" })),
      { path: "etc/", type: "directory" },
      {
        path: "etc/passwd",
        content: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n",
      },
      { path: "etc/group", content: "root:x:0:\nnogroup:x:65534:\napps:x:2345:\nstaff:x:50:\n" },
      { path: "tmp/", type: "directory", mode: 0o1777 },
    ],
    compression,
    format,
  );
}

export interface ConfigOptions {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: { Entrypoint?: string[]; Cmd?: string[]; Env?: string[]; WorkingDir?: string; User?: string };
}

export function imageConfig(layers: Layer[], o: ConfigOptions = {}, format: ManifestFormat = "docker"): Blob {
  const json = {
    architecture: o.architecture ?? hostPlatform().architecture,
    os: o.os ?? "linux",
    ...(o.variant ? { variant: o.variant } : {}),
    config: o.config ?? { Cmd: ["/bin/sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created: "2026-01-01T00:00:00Z", created_by: `test layer ${i}` })),
  };
  return blob(
    JSON.stringify(json),
    format === "docker" ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json",
  );
}

export function imageManifest(config: Blob, layers: Layer[], format: ManifestFormat = "docker"): Blob {
  const mediaType = format === "docker" ? "application/vnd.docker.distribution.manifest.v2+json" : "application/vnd.oci.image.manifest.v1+json";
  const desc = (b: Blob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });
  return blob(JSON.stringify({ schemaVersion: 2, mediaType, config: desc(config), layers: layers.map(desc) }), mediaType);
}

export function imageIndex(
  entries: { manifest: Blob; platform: { os: string; architecture: string; variant?: string } }[],
  format: ManifestFormat,
): Blob {
  const mediaType = format === "docker" ? "application/vnd.docker.distribution.manifest.list.v2+json" : "application/vnd.oci.image.index.v1+json";
  const manifests = entries.map((e) => ({ mediaType: e.manifest.mediaType, digest: e.manifest.digest, size: e.manifest.size, platform: e.platform }));
  return blob(JSON.stringify({ schemaVersion: 2, mediaType, manifests }), mediaType);
}

/** A whole image: its layers, config and manifest, ready to push or write out. */
export interface TestImage {
  layers: Layer[];
  config: Blob;
  manifest: Blob;
}

export function testImage(layers: Layer[], o: ConfigOptions = {}, format: ManifestFormat = "docker"): TestImage {
  const config = imageConfig(layers, o, format);
  return { layers, config, manifest: imageManifest(config, layers, format) };
}

/** Writes an OCI image layout holding `images` under their tags (`org.opencontainers.image.ref.name`). */
export function writeOciLayout(dir: string, images: { tag: string; image: TestImage }[]): void {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const put = (b: Blob) => writeFileSync(join(dir, "blobs", "sha256", b.digest.slice(7)), b.bytes);
  const manifests = images.map(({ tag, image }) => {
    for (const b of [...image.layers, image.config, image.manifest]) put(b);
    return {
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.size,
      annotations: { "org.opencontainers.image.ref.name": tag },
    };
  });
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }));
}
