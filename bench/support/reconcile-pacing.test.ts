import { expect, test } from "bun:test";
import {
  MAX_ASKS_PER_SECOND,
  MAX_PROBES_PER_SECOND,
  probeWaitMs,
  RECONCILE_RETRY_MAX_MS,
  RECONCILE_RETRY_MIN_MS,
  reconcileRetryMs,
} from "./reconcile-pacing.ts";

test("the last few outstanding tasks are re-asked soon, thousands at most once a second", () => {
  expect(reconcileRetryMs(1)).toBe(RECONCILE_RETRY_MIN_MS);
  expect(reconcileRetryMs(0)).toBe(RECONCILE_RETRY_MIN_MS);
  expect(reconcileRetryMs(100_000)).toBe(RECONCILE_RETRY_MAX_MS);
  expect(reconcileRetryMs(MAX_ASKS_PER_SECOND / 2)).toBe(500);
  // Between the bounds, tasks asked a second stay at the cap, however many are left.
  for (const outstanding of [600, 1000, 2500, 4999]) {
    const wait = reconcileRetryMs(outstanding);
    expect(wait).toBeGreaterThan(RECONCILE_RETRY_MIN_MS);
    expect(wait).toBeLessThan(RECONCILE_RETRY_MAX_MS);
    expect((outstanding / wait) * 1000).toBeCloseTo(MAX_ASKS_PER_SECOND);
  }
});

test("probe rounds back off while the master has answered nothing, and are paced by their size once it answers", () => {
  const paced = (1000 / MAX_PROBES_PER_SECOND) * 1000;
  expect(probeWaitMs(1000, 0)).toBeCloseTo(paced);
  expect(probeWaitMs(1000, 1)).toBeCloseTo(paced);
  expect(probeWaitMs(1000, 2)).toBeCloseTo(2 * paced);
  expect(probeWaitMs(1000, 10)).toBe(RECONCILE_RETRY_MAX_MS);
  expect(probeWaitMs(10, 0)).toBe(RECONCILE_RETRY_MIN_MS);
  expect(probeWaitMs(0, 0)).toBe(RECONCILE_RETRY_MIN_MS);
  expect(probeWaitMs(10, 3)).toBe(4 * RECONCILE_RETRY_MIN_MS);
});
