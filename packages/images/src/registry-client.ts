/**
 * A Docker registry (API v2) client on plain `fetch`: manifests of every kind, verified against
 * their digest, and blobs as byte streams that verify their digest and size as they are read.
 * A 401 on any request runs the token dance once and repeats the request.
 */
import { type Clock, formatDuration, MesosError } from "@mesos/core";
import { Digester, digestOf, parseDigest, verifyDigest } from "./digest.ts";
import type { Credentials } from "./docker-config.ts";
import { type Manifest, parseManifest } from "./manifest.ts";
import { MANIFEST_ACCEPT } from "./media-types.ts";
import { type AuthScope, createRegistryAuth } from "./registry-auth.ts";
import { type HttpOptions, registryGet, responseError } from "./registry-http.ts";
import type { RegistryLocation } from "./reference.ts";

export interface FetchedManifest {
  manifest: Manifest;
  /** The digest of the manifest (of its payload for a signed schema 1 manifest). */
  digest: string;
  size: number;
}

export interface BlobStream {
  /** Chunks of the blob; iterating throws at the end if the digest or size is wrong. */
  chunks: AsyncIterable<Uint8Array>;
  size: number;
}

export interface RegistryClient {
  manifest(loc: RegistryLocation, reference: string, credentials?: Credentials): Promise<FetchedManifest>;
  blob(
    loc: RegistryLocation,
    digest: string,
    size: number | undefined,
    credentials?: Credentials,
    onBytes?: (n: number) => void,
  ): Promise<BlobStream>;
  /** Reads a whole (small) blob, verified: configs. */
  blobBytes(loc: RegistryLocation, digest: string, size: number | undefined, credentials?: Credentials): Promise<Uint8Array>;
}

export interface RegistryClientOptions extends HttpOptions {
  clock: Clock;
  /** Abort a download when no byte arrived for this long (Mesos's --fetcher_stall_timeout). */
  stallTimeoutMs?: number;
}

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const auth = createRegistryAuth({ clock: options.clock, http: options });
  const stallMs = options.stallTimeoutMs ?? 60_000;

  /** GET with the auth header; on 401 one challenge round and a repeat. */
  async function get(loc: RegistryLocation, path: string, headers: Record<string, string>, credentials?: Credentials, signal?: AbortSignal) {
    const scope: AuthScope = { registry: loc.registry, origin: loc.baseUrl, repository: loc.repository, credentials };
    const url = `${loc.baseUrl}/v2/${loc.repository}/${path}`;
    const first = auth.header(scope);
    let response = await registryGet(url, withAuth(headers, first), options, signal);
    if (response.status !== 401) return response;
    const retry = await auth.challenge(scope, response, first);
    response = await registryGet(url, withAuth(headers, retry), options, signal);
    if (response.status === 401) {
      await response.body?.cancel();
      throw new MesosError("unauthenticated", `registry ${loc.registry} refused access to '${loc.repository}' (401)`);
    }
    return response;
  }

  async function manifest(loc: RegistryLocation, reference: string, credentials?: Credentials): Promise<FetchedManifest> {
    const response = await get(loc, `manifests/${reference}`, { Accept: MANIFEST_ACCEPT }, credentials);
    if (!response.ok) throw await responseError(response, "manifest request");
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > MAX_MANIFEST_BYTES) throw new MesosError("invalid", `the manifest of ${loc.canonical} is larger than 4 MiB`);
    const parsed = parseManifest(body, response.headers.get("content-type"), `the manifest of ${loc.canonical}`);
    const payload = parsed.kind === "schema1" ? parsed.payload : body;
    // Pulled by digest: the bytes must have it. By tag: they must have the one the registry states.
    const expected = reference.includes(":") ? reference : (response.headers.get("docker-content-digest") ?? undefined);
    const digest = digestOf(payload, expected ? parseDigest(expected).algorithm : "sha256");
    if (expected) verifyDigest(`the manifest of ${loc.canonical}`, expected, digest);
    return { manifest: parsed, digest, size: body.length };
  }

  async function blob(loc: RegistryLocation, digest: string, size: number | undefined, credentials?: Credentials, onBytes?: (n: number) => void) {
    const abort = new AbortController();
    const response = await get(loc, `blobs/${digest}`, {}, credentials, abort.signal);
    if (!response.ok || !response.body) throw await responseError(response, `blob ${digest}`);
    const length = Number(response.headers.get("content-length") ?? Number.NaN);
    const expectedSize = size ?? (Number.isFinite(length) ? length : undefined);
    const what = `blob ${digest} of ${loc.canonical}`;
    if (size !== undefined && Number.isFinite(length) && length !== size) {
      abort.abort();
      throw new MesosError("invalid", `${what} has ${length} bytes, the manifest says ${size}`);
    }
    return { chunks: verifiedChunks(response.body, digest, expectedSize, what, abort, onBytes), size: expectedSize ?? -1 };
  }

  async function* verifiedChunks(
    body: ReadableStream<Uint8Array>,
    digest: string,
    size: number | undefined,
    what: string,
    abort: AbortController,
    onBytes?: (n: number) => void,
  ): AsyncGenerator<Uint8Array> {
    const digester = Digester.for(digest);
    const reader = body.getReader();
    let stall = options.clock.setTimeout(() => abort.abort(), stallMs);
    try {
      for (;;) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (e) {
          if (abort.signal.aborted) throw new MesosError("unavailable", `${what}: no data for ${formatDuration(stallMs)}, download aborted`);
          throw new MesosError("unavailable", `${what}: download failed: ${(e as Error).message}`, { cause: e });
        }
        stall.cancel();
        if (step.done) break;
        digester.update(step.value);
        if (size !== undefined && digester.bytes > size) throw new MesosError("invalid", `${what} is longer than its ${size} bytes`);
        onBytes?.(step.value.length);
        yield step.value;
        stall = options.clock.setTimeout(() => abort.abort(), stallMs);
      }
      if (size !== undefined && digester.bytes < size) throw new MesosError("invalid", `${what} is truncated: ${digester.bytes} of ${size} bytes`);
      verifyDigest(what, digest, digester.digest());
    } finally {
      stall.cancel();
      reader.releaseLock();
      abort.abort();
    }
  }

  async function blobBytes(loc: RegistryLocation, digest: string, size: number | undefined, credentials?: Credentials) {
    const { chunks } = await blob(loc, digest, size, credentials);
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    return Buffer.concat(parts);
  }

  return { manifest, blob, blobBytes };
}

function withAuth(headers: Record<string, string>, authorization: string | undefined): Record<string, string> {
  return authorization ? { ...headers, Authorization: authorization } : headers;
}
