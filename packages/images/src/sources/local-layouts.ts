/**
 * Images in a directory on disk: an OCI image layout (`oci-layout`, `index.json`, `blobs/`) or what
 * `docker save` writes (`manifest.json` naming a config and layer tars). Every blob is checked: OCI
 * blobs against their digest, `docker save` layers against the config's `diff_ids`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { invalid, notFound } from "@mesos/core";
import { Digester, digestOf, parseDigest, verifyDigest } from "../digest.ts";
import { type ImageConfig, isObject, isStringArray, parseImageConfig } from "../image-config.ts";
import { type Descriptor, indexPlatforms, type Manifest, parseManifest } from "../manifest.ts";
import { MediaType } from "../media-types.ts";
import { checkImagePlatform, choosePlatform, formatPlatform, type Platform } from "../platform.ts";
import { DOCKER_HUB_DOMAIN, type ImageReference, locateImage, parseImageReference } from "../reference.ts";
import { uniqueLayers } from "../schema1.ts";
import type { SourceLayer } from "./image-source.ts";

export interface LocalImage {
  manifestDigest?: string;
  configDigest?: string;
  config: ImageConfig;
  layers: SourceLayer[];
  /** The file holding a layer's blob, and the digest the file has (when it is content-addressed). */
  layerFile(layer: SourceLayer): { path: string; digest?: string };
}

const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";

export function isImageDirectory(dir: string): boolean {
  return existsSync(join(dir, "index.json")) || existsSync(join(dir, "manifest.json"));
}

/** Reads the image `ref` names from a layout directory, for `platform`. */
export function readLocalImage(dir: string, ref: ImageReference, platform: Platform, what: string): LocalImage {
  if (existsSync(join(dir, "index.json"))) return readOciLayout(dir, ref, platform, what);
  if (existsSync(join(dir, "manifest.json"))) return readDockerSave(dir, ref, platform, what);
  throw invalid(`${what} is neither an OCI layout nor a 'docker save' archive`);
}

/** Fully qualified name for comparing names written in different ways (`busybox` = `docker.io/library/busybox:latest`). */
function fullName(name: string): string | undefined {
  try {
    return locateImage(parseImageReference(name), `https://registry-1.${DOCKER_HUB_DOMAIN}`).canonical;
  } catch {
    return undefined;
  }
}

function readOciLayout(dir: string, ref: ImageReference, platform: Platform, what: string): LocalImage {
  const blob = (d: Descriptor | string) => {
    const digest = typeof d === "string" ? d : d.digest;
    const { algorithm, hex } = parseDigest(digest);
    const path = join(dir, "blobs", algorithm, hex);
    if (!existsSync(path)) throw invalid(`${what}: blob ${digest} is missing`);
    return path;
  };
  const read = (d: Descriptor, kind: string) => {
    const bytes = readFileSync(blob(d));
    verifyDigest(`${kind} ${d.digest} in ${what}`, d.digest, digestOf(bytes, parseDigest(d.digest).algorithm));
    return bytes;
  };
  const index = parseManifest(readFileSync(join(dir, "index.json")), MediaType.ociIndex, `${what}: index.json`);
  if (index.kind !== "index") throw invalid(`${what}: index.json is not an index`);
  const wanted = fullName(refText(ref));
  const entries = index.manifests.filter((m) => {
    if (ref.digest) return m.digest === ref.digest;
    const names = [m.annotations?.[REF_NAME], m.annotations?.[CONTAINERD_NAME]].filter((n): n is string => !!n);
    return names.some((n) => n === (ref.tag ?? "latest") || fullName(n) === wanted);
  });
  // An archive of one unnamed image (`docker save IMAGE_ID`) answers to any name.
  const unnamed = index.manifests.length === 1 && !index.manifests[0]!.annotations?.[REF_NAME] && !index.manifests[0]!.annotations?.[CONTAINERD_NAME];
  const chosen = entries[0] ?? (unnamed ? index.manifests[0] : undefined);
  if (!chosen) {
    const names = index.manifests.map((m) => m.annotations?.[REF_NAME] ?? m.digest).join(", ");
    throw notFound(`${what} has no image named '${refText(ref)}' (it has ${names || "none"})`);
  }
  let descriptor = chosen;
  let manifest: Manifest = parseManifest(read(descriptor, "manifest"), descriptor.mediaType, `${what}: manifest ${descriptor.digest}`);
  for (let depth = 0; manifest.kind === "index"; depth++) {
    const entry = depth < 2 ? choosePlatform(manifest.manifests, platform) : undefined;
    if (!entry) throw invalid(`no image for ${formatPlatform(platform)} in ${what} (it has ${indexPlatforms(manifest)})`);
    descriptor = entry;
    manifest = parseManifest(read(descriptor, "manifest"), descriptor.mediaType, `${what}: manifest ${descriptor.digest}`);
  }
  if (manifest.kind !== "image") throw invalid(`${what}: manifest ${descriptor.digest} is not an image manifest`);
  const config = parseImageConfig(read(manifest.config, "config"), `${what}: config`);
  checkImagePlatform(config, platform, what);
  const layers = manifest.layers.map((l, i) => ({ digest: l.digest, size: l.size, diffId: config.diffIds?.[i] }));
  return {
    manifestDigest: descriptor.digest,
    configDigest: manifest.config.digest,
    config,
    layers: uniqueLayers(layers, (l) => l.digest),
    layerFile: (layer) => ({ path: blob(layer.digest), digest: layer.digest }),
  };
}

function readDockerSave(dir: string, ref: ImageReference, platform: Platform, what: string): LocalImage {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  } catch (e) {
    throw invalid(`${what}: manifest.json is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(list) || !list.every(isObject)) throw invalid(`${what}: manifest.json is not a list of images`);
  const wanted = fullName(refText(ref));
  const entry =
    list.find((e) => isStringArray(e.RepoTags) && e.RepoTags.some((t) => fullName(t) === wanted)) ??
    (list.length === 1 && !(isStringArray(list[0]!.RepoTags) && list[0]!.RepoTags.length > 0) ? list[0] : undefined);
  if (!entry) {
    const names = list.flatMap((e) => (isStringArray(e.RepoTags) ? e.RepoTags : [])).join(", ");
    throw notFound(`${what} has no image named '${refText(ref)}' (it has ${names || "none"})`);
  }
  if (typeof entry.Config !== "string" || !isStringArray(entry.Layers)) throw invalid(`${what}: manifest.json entry without Config or Layers`);
  const configPath = inside(dir, entry.Config, what);
  const configBytes = readFileSync(configPath);
  // `docker save` names the config after its digest (`<hex>.json`, or `blobs/sha256/<hex>` since Docker 25).
  const hex = /([a-f0-9]{64})(?:\.json)?$/.exec(entry.Config)?.[1];
  const configDigest = digestOf(configBytes);
  if (hex) verifyDigest(`the config in ${what}`, `sha256:${hex}`, configDigest);
  const config = parseImageConfig(configBytes, `${what}: config`);
  checkImagePlatform(config, platform, what);
  const diffIds = config.diffIds ?? [];
  if (diffIds.length !== entry.Layers.length)
    throw invalid(`${what}: the config lists ${diffIds.length} layers, manifest.json ${entry.Layers.length}`);
  const files = new Map<string, string>();
  const layers = entry.Layers.map((file, i) => {
    files.set(diffIds[i]!, inside(dir, file, what));
    // The layer tars are uncompressed, so the diff_id is the blob's digest too: store by it.
    return { digest: diffIds[i]!, diffId: diffIds[i]! };
  });
  return {
    configDigest: `sha256:${hex ?? configDigest.slice(7)}`,
    config,
    layers: uniqueLayers(layers, (l) => l.digest),
    layerFile: (layer) => ({ path: files.get(layer.digest)! }),
  };
}

function inside(dir: string, file: string, what: string): string {
  const path = resolve(dir, file);
  if (!path.startsWith(resolve(dir) + sep)) throw invalid(`${what}: '${file}' points outside the archive`);
  if (!existsSync(path)) throw invalid(`${what}: '${file}' is missing`);
  return path;
}

function refText(ref: ImageReference): string {
  const name = ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
  return `${name}:${ref.tag ?? "latest"}`;
}

/** Streams a layer file, checking its digest at the end when it is content-addressed. */
export async function* layerFileChunks(path: string, digest: string | undefined, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  const digester = digest ? Digester.for(digest) : undefined;
  for await (const chunk of Bun.file(path).stream()) {
    digester?.update(chunk);
    onBytes(chunk.length);
    yield chunk;
  }
  if (digester && digest) verifyDigest(`layer file '${path}'`, digest, digester.digest());
}
