/**
 * Images from a registry: the manifest by tag or digest, an index or manifest list narrowed to the
 * agent's platform, then the config (verified, and checked for the platform) and the layers.
 */
import { type Clock, invalid } from "@mesos/core";
import { credentialsFor, type DockerAuths } from "../docker-config.ts";
import { type ImageConfig, parseImageConfig } from "../image-config.ts";
import { indexPlatforms, type Manifest } from "../manifest.ts";
import { checkImagePlatform, choosePlatform, formatPlatform, hostPlatform, type Platform } from "../platform.ts";
import { locateImage, parseImageReference } from "../reference.ts";
import { createRegistryClient, type RegistryClient } from "../registry-client.ts";
import type { HttpOptions } from "../registry-http.ts";
import { uniqueLayers } from "../schema1.ts";
import type { ImageSource, ResolvedImage, SourceLayer } from "./image-source.ts";

export interface RegistrySourceOptions extends HttpOptions {
  /** `--docker_registry`: where names without a registry go. */
  defaultRegistry: string;
  /** `--docker_config`. */
  auths?: DockerAuths;
  clock: Clock;
  platform?: Platform;
  stallTimeoutMs?: number;
  client?: RegistryClient;
}

const MAX_INDEX_DEPTH = 2;

export function createRegistrySource(options: RegistrySourceOptions): ImageSource {
  const client = options.client ?? createRegistryClient(options);
  const platform = options.platform ?? hostPlatform();
  const locate = (name: string) => locateImage(parseImageReference(name), options.defaultRegistry);

  return {
    description: `registry ${options.defaultRegistry}`,
    canonicalName: (name) => locate(name).canonical,

    async resolve(name, resolveOptions): Promise<ResolvedImage> {
      const loc = locate(name);
      const credentials = credentialsFor(loc.registry, resolveOptions.auths, options.auths);
      let fetched = await client.manifest(loc, loc.reference, credentials);
      let manifest: Manifest = fetched.manifest;
      for (let depth = 0; manifest.kind === "index"; depth++) {
        if (depth >= MAX_INDEX_DEPTH) throw invalid(`the manifest of ${loc.canonical} nests indexes too deeply`);
        const entry = choosePlatform(manifest.manifests, platform);
        if (!entry) {
          throw invalid(`no image for ${formatPlatform(platform)} in the manifest list of ${loc.canonical} (it has ${indexPlatforms(manifest)})`);
        }
        fetched = await client.manifest(loc, entry.digest, credentials);
        manifest = fetched.manifest;
      }
      let config: ImageConfig;
      let configDigest: string | undefined;
      let layers: SourceLayer[];
      if (manifest.kind === "schema1") {
        config = manifest.config;
        layers = manifest.layers.map((digest) => ({ digest }));
      } else {
        configDigest = manifest.config.digest;
        const bytes = await client.blobBytes(loc, configDigest, manifest.config.size, credentials);
        config = parseImageConfig(bytes, `the config of ${loc.canonical}`);
        const diffIds = config.diffIds;
        if (diffIds && diffIds.length !== manifest.layers.length) {
          throw invalid(`the config of ${loc.canonical} lists ${diffIds.length} layers, its manifest ${manifest.layers.length}`);
        }
        layers = uniqueLayers(
          manifest.layers.map((l, i) => ({ digest: l.digest, size: l.size, diffId: diffIds?.[i] })),
          (l) => l.digest,
        );
      }
      checkImagePlatform(config, platform, loc.canonical);
      return {
        canonical: loc.canonical,
        manifestDigest: fetched.digest,
        configDigest,
        config,
        layers,
        openLayer: async (layer, onBytes) => (await client.blob(loc, layer.digest, layer.size, credentials, onBytes)).chunks,
      };
    },
  };
}
