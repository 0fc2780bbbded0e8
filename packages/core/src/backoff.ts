/**
 * Exponential backoff with full jitter, as the agent uses for registration ([0, 1s] doubling to
 * 1 min) and the status update manager for retries (10 s doubling to 10 min, no jitter).
 */
export interface Backoff {
  /** The next delay in milliseconds; each call doubles the ceiling up to the maximum. */
  next(): number;
  reset(): void;
}

export function createBackoff(options: { initialMs: number; maxMs: number; jitter?: boolean; random?: () => number }): Backoff {
  const random = options.random ?? Math.random;
  let ceiling = options.initialMs;
  return {
    next() {
      const delay = options.jitter ? random() * ceiling : ceiling;
      ceiling = Math.min(ceiling * 2, options.maxMs);
      return delay;
    },
    reset() {
      ceiling = options.initialMs;
    },
  };
}
