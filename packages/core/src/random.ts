/** mulberry32: a small seeded PRNG, so tests, fuzzers and benchmarks draw the same values every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How many inputs a fuzz test tries: a few thousand in `npm test`, or MESOS_FUZZ_RUNS (e.g. 100000)
 * for the long form.
 */
export function fuzzRuns(short = 3000): number {
  const n = Number(process.env.MESOS_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : short;
}
