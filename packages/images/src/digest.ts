/**
 * Content digests (`sha256:<64 hex>`, `sha512:<128 hex>`): parsing, and a hasher that checks the
 * bytes it saw against the digest they were promised to have.
 */
import { invalid } from "@mesos/core";

export type DigestAlgorithm = "sha256" | "sha512";

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

export function parseDigest(digest: string): ParsedDigest {
  const colon = digest.indexOf(":");
  if (colon < 0) throw invalid(`bad digest '${digest}' (expected ALGORITHM:HEX)`);
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (algorithm !== "sha256" && algorithm !== "sha512") throw invalid(`unsupported digest algorithm '${algorithm}' in '${digest}'`);
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) throw invalid(`bad digest '${digest}'`);
  return { algorithm, hex };
}

export function digestOf(bytes: Uint8Array | string, algorithm: DigestAlgorithm = "sha256"): string {
  const hasher = new Bun.CryptoHasher(algorithm);
  hasher.update(bytes);
  return `${algorithm}:${hasher.digest("hex")}`;
}

/** Incremental digest of a stream of chunks, in the algorithm of the digest it will be checked against. */
export class Digester {
  private readonly hasher: Bun.CryptoHasher;
  readonly algorithm: DigestAlgorithm;
  bytes = 0;

  constructor(algorithm: DigestAlgorithm = "sha256") {
    this.algorithm = algorithm;
    this.hasher = new Bun.CryptoHasher(algorithm);
  }

  static for(expected: string): Digester {
    return new Digester(parseDigest(expected).algorithm);
  }

  update(chunk: Uint8Array): void {
    this.hasher.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): string {
    return `${this.algorithm}:${this.hasher.digest("hex")}`;
  }
}

/** Throws `digest mismatch for WHAT: expected X, got Y` unless the bytes match. */
export function verifyDigest(what: string, expected: string, actual: string): void {
  if (expected !== actual) throw invalid(`digest mismatch for ${what}: expected ${expected}, got ${actual}`);
}
