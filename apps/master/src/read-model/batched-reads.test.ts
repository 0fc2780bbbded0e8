import { expect, test } from "bun:test";
import type { MasterContext } from "../context.ts";
import { batchedRead } from "./batched-reads.ts";

test("reads of one view that arrive together share one computation; later ones compute again", async () => {
  const ctx = {} as MasterContext;
  let computed = 0;
  const view = () => ++computed;
  const together = await Promise.all([batchedRead(ctx, "/state", view), batchedRead(ctx, "/state", view), batchedRead(ctx, "/state", view)]);
  expect(together).toEqual([1, 1, 1]);
  expect(await batchedRead(ctx, "/state", view)).toBe(2);
  // Another view (or query) is its own batch.
  const [state, tasks] = await Promise.all([batchedRead(ctx, "/state", view), batchedRead(ctx, "/tasks?limit=1", view)]);
  expect(new Set([state, tasks]).size).toBe(2);
});

test("a failing computation fails every reader of its batch, and the next batch computes afresh", async () => {
  const ctx = {} as MasterContext;
  let fail = true;
  const view = () => {
    if (fail) throw new Error("boom");
    return "ok";
  };
  const results = await Promise.allSettled([batchedRead(ctx, "k", view), batchedRead(ctx, "k", view)]);
  expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  fail = false;
  expect(await batchedRead(ctx, "k", view)).toBe("ok");
});
