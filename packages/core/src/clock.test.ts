import { expect, test } from "bun:test";
import { ManualClock, systemClock } from "./clock.ts";

test("a system-clock timer longer than a JS timer can hold (24.8 days) does not fire at once", async () => {
  let fired = false;
  const timer = systemClock.setTimeout(() => (fired = true), 30 * 86_400_000);
  await Bun.sleep(50);
  timer.cancel();
  expect(fired).toBe(false);
});

test("system-clock timers fire and can be cancelled", async () => {
  const order: string[] = [];
  systemClock.setTimeout(() => order.push("a"), 5);
  const b = systemClock.setTimeout(() => order.push("b"), 5);
  b.cancel();
  await systemClock.sleep(30);
  expect(order).toEqual(["a"]);
});

test("the manual clock fires timers in due order as it advances", () => {
  const clock = new ManualClock(0);
  const order: number[] = [];
  clock.setTimeout(() => order.push(2), 20);
  clock.setTimeout(() => order.push(1), 10);
  clock.advance(15);
  expect(order).toEqual([1]);
  clock.advance(10);
  expect(order).toEqual([1, 2]);
  expect(clock.pendingTimers()).toBe(0);
});
