/**
 * Manifests of every kind a registry serves, read into three shapes: an index (OCI index or Docker
 * manifest list) naming one manifest per platform, an image manifest (Docker schema 2 or OCI) naming
 * a config and layers by descriptor, or a schema 1 manifest. The kind comes from the Content-Type,
 * or from the body's `mediaType` and shape when the server sends a generic type.
 */
import { invalid } from "@mesos/core";
import { parseDigest } from "./digest.ts";
import { isObject } from "./image-config.ts";
import { CONFIG_MEDIA_TYPES, LAYER_MEDIA_TYPES, MediaType } from "./media-types.ts";
import { type Platform, formatPlatform } from "./platform.ts";
import { parseSchema1, type Schema1Manifest } from "./schema1.ts";

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export type Manifest =
  | { kind: "index"; mediaType: string; manifests: Descriptor[] }
  | { kind: "image"; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | ({ kind: "schema1"; mediaType: string } & Schema1Manifest);

const GENERIC_TYPES = new Set(["", "application/json", "text/plain", "application/octet-stream"]);

/** Parses a manifest; `what` names it in errors (e.g. `manifest of 'r/x:1'`). */
export function parseManifest(body: Uint8Array, contentType: string | null | undefined, what: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch (e) {
    throw invalid(`${what} is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw invalid(`${what} is not a JSON object`);
  const mediaType = manifestMediaType((contentType ?? "").split(";")[0]!.trim().toLowerCase(), json);
  switch (mediaType) {
    case MediaType.dockerSchema1:
    case MediaType.dockerSchema1Signed:
      return { kind: "schema1", mediaType, ...parseSchema1(body, json, what) };
    case MediaType.dockerSchema2:
    case MediaType.ociManifest:
      return parseImageManifest(json, mediaType, what);
    case MediaType.dockerManifestList:
    case MediaType.ociIndex:
      return parseIndex(json, mediaType, what);
    default:
      throw invalid(`${what} has unsupported manifest type '${mediaType}'`);
  }
}

function manifestMediaType(contentType: string, json: Record<string, unknown>): string {
  if (!GENERIC_TYPES.has(contentType)) return contentType;
  if (typeof json.mediaType === "string" && json.mediaType) return json.mediaType;
  if (json.schemaVersion === 1) return MediaType.dockerSchema1;
  if (Array.isArray(json.manifests)) return MediaType.ociIndex;
  if (isObject(json.config) && Array.isArray(json.layers)) return MediaType.ociManifest;
  return contentType || "none";
}

function parseImageManifest(json: Record<string, unknown>, mediaType: string, what: string): Manifest {
  if (json.schemaVersion !== 2) throw invalid(`${what}: schemaVersion must be 2`);
  const config = descriptor(json.config, `${what}: config`);
  if (!CONFIG_MEDIA_TYPES.has(config.mediaType)) {
    throw invalid(`${what}: config type '${config.mediaType}' is not a container image config (an artifact, not an image?)`);
  }
  if (!Array.isArray(json.layers)) throw invalid(`${what}: 'layers' must be a list`);
  const layers = json.layers.map((l, i) => descriptor(l, `${what}: layers[${i}]`));
  for (const l of layers) {
    if (!LAYER_MEDIA_TYPES.has(l.mediaType)) throw invalid(`${what}: layer ${l.digest} has unsupported type '${l.mediaType}'`);
  }
  return { kind: "image", mediaType, config, layers };
}

function parseIndex(json: Record<string, unknown>, mediaType: string, what: string): Manifest {
  if (json.schemaVersion !== 2) throw invalid(`${what}: schemaVersion must be 2`);
  if (!Array.isArray(json.manifests)) throw invalid(`${what}: 'manifests' must be a list`);
  return { kind: "index", mediaType, manifests: json.manifests.map((m, i) => descriptor(m, `${what}: manifests[${i}]`)) };
}

function descriptor(value: unknown, what: string): Descriptor {
  if (!isObject(value)) throw invalid(`${what} is not an object`);
  const { mediaType, digest, size } = value;
  if (typeof digest !== "string") throw invalid(`${what} has no digest`);
  try {
    parseDigest(digest);
  } catch (e) {
    throw invalid(`${what}: ${(e as Error).message}`);
  }
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw invalid(`${what} has no valid size`);
  const d: Descriptor = { mediaType: typeof mediaType === "string" ? mediaType : "", digest, size };
  if (isObject(value.platform)) {
    const p = value.platform;
    if (typeof p.os !== "string" || typeof p.architecture !== "string") throw invalid(`${what}: platform needs os and architecture`);
    d.platform = { os: p.os, architecture: p.architecture, variant: typeof p.variant === "string" ? p.variant : undefined };
  }
  if (isObject(value.annotations)) {
    d.annotations = Object.fromEntries(Object.entries(value.annotations).filter((e): e is [string, string] => typeof e[1] === "string"));
  }
  return d;
}

/** Lists the platforms an index offers, for error messages. */
export function indexPlatforms(index: { manifests: Descriptor[] }): string {
  const names = index.manifests.filter((m) => m.platform).map((m) => formatPlatform(m.platform!));
  return names.length > 0 ? [...new Set(names)].join(", ") : "none";
}
