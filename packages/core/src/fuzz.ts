/**
 * Byte-level damage for fuzz tests of decoders (fast-check generators). A subpath of its own
 * (`@mesos/core/fuzz`) so that only tests load it: the binary never imports fast-check.
 */
import fc from "fast-check";

/** Byte-level damage: none (valid-shaped), truncation, flipped bytes, inserted junk, a repeated slice. */
export function mutateBytes(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat(Math.max(0, bytes.length));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(bytes) },
    at.map((n) => bytes.slice(0, n)),
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((edits) => {
      const out = bytes.slice();
      for (const [i, b] of edits) if (i < out.length) out[i] = b;
      return out;
    }),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 12 })).map(([i, junk]) => concat(bytes.slice(0, i), junk, bytes.slice(i))),
    fc.tuple(at, at).map(([a, b]) => concat(bytes.slice(0, Math.max(a, b)), bytes.slice(Math.min(a, b)))),
  );
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}
