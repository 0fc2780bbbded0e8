import { expect, test } from "bun:test";
import { createAttachTurns } from "./attach-turns.ts";

/** A clock each job moves forward by `step` ms. */
function steppingClock(step: number) {
  let t = 0;
  return { now: () => t, advance: () => (t += step) };
}

test("jobs run in the order queued, none at once, all eventually", async () => {
  const turns = createAttachTurns();
  const ran: number[] = [];
  for (let i = 0; i < 5; i++) turns.push(() => ran.push(i));
  expect(ran).toEqual([]);
  expect(turns.queued).toBe(5);
  await new Promise((r) => setImmediate(r));
  expect(ran).toEqual([0, 1, 2, 3, 4]);
  expect(turns.queued).toBe(0);
});

test("a turn stops at its budget and the event loop runs in between: what became ready meanwhile goes before the rest", async () => {
  const clock = steppingClock(4);
  const turns = createAttachTurns(10, clock.now);
  const order: string[] = [];
  for (let i = 0; i < 8; i++)
    turns.push(() => {
      order.push(`job ${i}`);
      clock.advance();
      // Something else the loop has to do, arriving during the first job (as a socket's data would).
      if (i === 0) setImmediate(() => order.push("other"));
    });
  while (turns.queued > 0) await new Promise((r) => setImmediate(r));
  // A turn of 10 ms runs 3 jobs of 4 ms (it checks after each one); then the other work, then the next turn.
  expect(order).toEqual(["job 0", "job 1", "job 2", "other", "job 3", "job 4", "job 5", "job 6", "job 7"]);
});

test("jobs queued while a turn runs wait behind the ones before them", async () => {
  const turns = createAttachTurns();
  const ran: string[] = [];
  turns.push(() => {
    ran.push("a");
    turns.push(() => ran.push("c"));
  });
  turns.push(() => ran.push("b"));
  while (turns.queued > 0) await new Promise((r) => setImmediate(r));
  expect(ran).toEqual(["a", "b", "c"]);
});
