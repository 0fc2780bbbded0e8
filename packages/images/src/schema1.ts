/**
 * Docker's image manifest v2 schema 1 (signed with a JWS, `+prettyjws`, or unsigned): layers come
 * child first as `fsLayers[].blobSum`, and `history[].v1Compatibility` holds each layer's legacy JSON,
 * the top one carrying the runtime config. The digest of a signed manifest is that of its payload
 * without the signatures, which the JWS protected header describes (`formatLength`, `formatTail`).
 *
 * The JWS signatures are not checked: they are made with a throwaway key, so they prove nothing
 * (Docker stopped checking them too). The content digest is what we verify.
 */
import { invalid } from "@mesos/core";
import { type ImageConfig, isObject, runtimeDefaults } from "./image-config.ts";

export interface Schema1Manifest {
  /** Layer blob digests, base first, each once (the topmost occurrence of a repeated one is kept). */
  layers: string[];
  config: ImageConfig;
  /** The bytes whose digest is the manifest's digest. */
  payload: Uint8Array;
}

export function parseSchema1(body: Uint8Array, json: Record<string, unknown>, what: string): Schema1Manifest {
  const fsLayers = json.fsLayers;
  const history = json.history;
  if (!Array.isArray(fsLayers) || !Array.isArray(history)) throw invalid(`${what}: a schema 1 manifest needs 'fsLayers' and 'history'`);
  if (fsLayers.length === 0) throw invalid(`${what}: the manifest has no layers`);
  if (fsLayers.length !== history.length) throw invalid(`${what}: 'fsLayers' and 'history' have different sizes`);
  const childFirst = fsLayers.map((l, i) => {
    if (!isObject(l) || typeof l.blobSum !== "string") throw invalid(`${what}: fsLayers[${i}] has no blobSum`);
    return l.blobSum;
  });
  const top = parseV1Compatibility(history[0], what);
  const architecture = typeof json.architecture === "string" && json.architecture ? json.architecture : top.architecture;
  return {
    layers: uniqueLayers(childFirst.reverse(), (d) => d),
    config: { architecture, os: top.os ?? "linux", config: runtimeDefaults(top.config, `${what} (history[0])`) },
    payload: signedPayload(body, json, what),
  };
}

function parseV1Compatibility(entry: unknown, what: string): { architecture?: string; os?: string; config?: unknown } {
  if (!isObject(entry) || typeof entry.v1Compatibility !== "string") throw invalid(`${what}: history[0] has no v1Compatibility`);
  let v1: unknown;
  try {
    v1 = JSON.parse(entry.v1Compatibility);
  } catch (e) {
    throw invalid(`${what}: history[0].v1Compatibility is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(v1)) throw invalid(`${what}: history[0].v1Compatibility is not an object`);
  return {
    architecture: typeof v1.architecture === "string" ? v1.architecture : undefined,
    os: typeof v1.os === "string" ? v1.os : undefined,
    config: v1.config,
  };
}

/** The payload a JWS signature covers: the body cut at `formatLength` plus the decoded `formatTail`. */
function signedPayload(body: Uint8Array, json: Record<string, unknown>, what: string): Uint8Array {
  const signatures = json.signatures;
  if (!Array.isArray(signatures) || signatures.length === 0) return body;
  const first = signatures[0];
  if (!isObject(first) || typeof first.protected !== "string") throw invalid(`${what}: signature without a protected header`);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(first.protected, "base64url").toString("utf8"));
  } catch {
    throw invalid(`${what}: the signature's protected header is not JSON`);
  }
  if (!isObject(header) || typeof header.formatLength !== "number" || typeof header.formatTail !== "string") {
    throw invalid(`${what}: the signature's protected header has no formatLength/formatTail`);
  }
  if (header.formatLength < 0 || header.formatLength > body.length) throw invalid(`${what}: bad formatLength in the signature`);
  const tail = Buffer.from(header.formatTail, "base64url");
  const payload = new Uint8Array(header.formatLength + tail.length);
  payload.set(body.subarray(0, header.formatLength));
  payload.set(tail, header.formatLength);
  return payload;
}

/**
 * Each layer once, base first (a layer directory can be stacked only once). A layer listed twice
 * keeps its topmost place, so what it writes still wins over the layers between.
 */
export function uniqueLayers<T>(baseFirst: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (let i = baseFirst.length - 1; i >= 0; i--) {
    const k = key(baseFirst[i]!);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(baseFirst[i]!);
  }
  return out.reverse();
}
