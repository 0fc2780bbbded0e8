import { describe, expect, test } from "bun:test";
import { ManualClock, Metrics } from "@mesos/core";
import { createAllocationLoop } from "./allocation-loop.ts";

/** A loop whose allocate records which agents each cycle was asked to visit ("all" for a full cycle). */
function loop(paused = () => false) {
  const clock = new ManualClock();
  const cycles: (string[] | "all")[] = [];
  const l = createAllocationLoop({
    clock,
    metrics: new Metrics(),
    intervalMs: 1000,
    allocate: (agents) => {
      cycles.push(agents === undefined ? "all" : [...agents].sort());
      return [];
    },
    offer: () => {},
    paused,
  });
  return { clock, cycles, loop: l };
}

describe("allocation loop", () => {
  test("triggers for some agents merge into one cycle over only those agents", () => {
    const { clock, cycles, loop: l } = loop();
    l.start();
    l.trigger("a2");
    l.trigger("a1");
    l.trigger("a2");
    clock.advance(0);
    expect(cycles).toEqual([["a1", "a2"]]);
    clock.advance(0);
    expect(cycles.length).toBe(1); // nothing pending any more
  });

  test("a trigger without an agent makes the merged cycle visit every agent", () => {
    const { clock, cycles, loop: l } = loop();
    l.start();
    l.trigger("a1");
    l.trigger();
    l.trigger("a3");
    clock.advance(0);
    expect(cycles).toEqual(["all"]);
    l.trigger("a3");
    clock.advance(0);
    expect(cycles).toEqual(["all", ["a3"]]);
  });

  test("the periodic cycle visits every agent and takes in the pending candidates", () => {
    const { clock, cycles, loop: l } = loop();
    l.start();
    clock.advance(1000);
    expect(cycles).toEqual(["all"]);
    l.trigger("a1");
    l.runNow();
    expect(cycles).toEqual(["all", "all"]);
    clock.advance(0);
    expect(cycles.length).toBe(2); // the pending partial cycle was merged into runNow's
  });

  test("candidates gathered while allocation is paused are kept for the next cycle", () => {
    let paused = true;
    const { clock, cycles, loop: l } = loop(() => paused);
    l.start();
    l.trigger("a1");
    clock.advance(0);
    expect(cycles).toEqual([]);
    paused = false;
    l.trigger("a2");
    clock.advance(0);
    expect(cycles).toEqual([["a1", "a2"]]);
  });

  test("before start only runNow allocates", () => {
    const { clock, cycles, loop: l } = loop();
    l.trigger("a1");
    clock.advance(5000);
    expect(cycles).toEqual([]);
    l.runNow();
    expect(cycles).toEqual(["all"]);
  });
});
