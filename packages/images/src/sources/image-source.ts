/**
 * Where images come from: a registry, or a local directory of `docker save` archives and OCI
 * layouts (`--docker_registry=/path`). A source resolves a name to an image (config and layers,
 * for this agent's platform) and hands out each layer's blob as a verified byte stream.
 */
import type { DockerAuths } from "../docker-config.ts";
import type { ImageConfig } from "../image-config.ts";

export interface SourceLayer {
  /** The key the layer is stored under: the blob's digest. */
  digest: string;
  /** Bytes to download, when known. */
  size?: number;
  /** The uncompressed tar's digest, when the config lists it: checked while unpacking. */
  diffId?: string;
}

export interface ResolvedImage {
  /** The fully qualified name, e.g. `127.0.0.1:5000/app:1`: the store's key for the image. */
  canonical: string;
  manifestDigest?: string;
  configDigest?: string;
  config: ImageConfig;
  /** Base first. */
  layers: SourceLayer[];
  /** The layer blob; iterating it throws if its digest or size is wrong. */
  openLayer(layer: SourceLayer, onBytes: (n: number) => void): Promise<AsyncIterable<Uint8Array>>;
  /** Releases what resolving took (an unpacked archive), once the layers are stored. */
  close?(): Promise<void>;
}

export interface ResolveOptions {
  /** Credentials from the image's own docker config secret (they win over the agent's). */
  auths?: DockerAuths;
}

export interface ImageSource {
  /** e.g. `registry https://registry-1.docker.io` or `directory /var/images`, for logs. */
  readonly description: string;
  /** The store key of a name without contacting the source (to find a cached image). */
  canonicalName(name: string): string;
  resolve(name: string, options: ResolveOptions): Promise<ResolvedImage>;
}
