/**
 * Skipping full cycles that cannot offer anything (quiet-cycles.ts) changes no outcome: over random
 * event sequences an allocator that skips them offers exactly what one running every cycle offers.
 * A cycle that runs shuffles its agents with `random`, so a counted random tells run cycles from
 * skipped ones (a constant one keeps both allocators' shuffles the same whatever they skip).
 */
import { describe, expect, test } from "bun:test";
import { parseResources, type Resources } from "@mesos/core";
import type { Allocation, Allocator } from "./allocator.ts";
import { agent, declineAll, framework, harness, seededRandom } from "./test-helpers.ts";

const none = new Map<string, Resources>();

/** A harness whose `random` counts its calls (one call or more per full cycle run over 2+ agents). */
function counted(runQuietCycles = false) {
  let calls = 0;
  const h = harness({ runQuietCycles, random: () => (calls++, 0.5) });
  return { ...h, calls: () => calls };
}

const describeOffers = (out: readonly Allocation[]) => out.map((a) => `${a.frameworkId}@${a.agentId}/${a.role}: ${a.resources.toString()}`);

describe("quiet cycles", () => {
  const settled = () => {
    const h = counted();
    h.allocator.addFramework(framework("f"), none, true);
    h.allocator.addAgent(agent("x", "cpus:2;mem:256"), none);
    h.allocator.addAgent(agent("y", "cpus:2;mem:256"), none);
    declineAll(h.allocator, h.allocator.allocate(), 10);
    expect(h.allocator.allocate()).toEqual([]);
    return h;
  };

  test("after a cycle that offered nothing, the next is skipped while nothing changes", () => {
    const h = settled();
    const before = h.calls();
    expect(h.allocator.allocate()).toEqual([]);
    h.clock.advance(5000);
    expect(h.allocator.allocate()).toEqual([]);
    expect(h.calls()).toBe(before);
  });

  test("it runs again when a filter that refused something expires", () => {
    const h = settled();
    h.clock.advance(10_000);
    expect(
      h.allocator
        .allocate()
        .map((a) => a.agentId)
        .sort(),
    ).toEqual(["x", "y"]);
  });

  test("it runs again after an event", () => {
    const h = settled();
    h.allocator.addFramework(framework("g"), none, true);
    expect(
      h.allocator
        .allocate()
        .map((a) => `${a.frameworkId}@${a.agentId}`)
        .sort(),
    ).toEqual(["g@x", "g@y"]);
    const h2 = settled();
    h2.allocator.reviveOffers("f", []);
    expect(h2.allocator.allocate().length).toBe(2);
    const h3 = settled();
    h3.allocator.addAgent(agent("z", "cpus:1;mem:64"), none);
    expect(h3.allocator.allocate().map((a) => a.agentId)).toEqual(["z"]);
  });

  test("nothing to offer (no framework): skipped until a framework comes", () => {
    const h = counted();
    h.allocator.addAgent(agent("x", "cpus:2;mem:256"), none);
    h.allocator.addAgent(agent("y", "cpus:2;mem:256"), none);
    expect(h.allocator.allocate()).toEqual([]);
    const before = h.calls();
    h.clock.advance(3_600_000);
    expect(h.allocator.allocate()).toEqual([]);
    expect(h.calls()).toBe(before);
    h.allocator.addFramework(framework("f"), none, true);
    expect(h.allocator.allocate().length).toBe(2);
  });

  test("over random event sequences, the same offers as running every cycle", () => {
    let skipped = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const random = seededRandom(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const skipping = counted();
      const full = counted(true);
      const both = (fn: (a: Allocator) => void) => {
        fn(skipping.allocator);
        fn(full.allocator);
      };
      const held: Allocation[] = [];
      const agents: string[] = [];
      const frameworks: string[] = [];
      let next = 0;
      for (let step = 0; step < 600; step++) {
        const op = random();
        if (op < 0.06 && agents.length < 8) {
          const id = `a${next++}`;
          const total = parseResources(pick(["cpus:2;mem:256", "cpus:0.5;mem:64;ports:[1-3]", "cpus(r):1;cpus:1;mem:128"]));
          both((a) => a.addAgent(agent(id, total), none));
          agents.push(id);
        } else if (op < 0.08 && agents.length > 0) {
          const id = agents.splice(Math.floor(random() * agents.length), 1)[0]!;
          both((a) => a.removeAgent(id));
          for (let i = held.length - 1; i >= 0; i--) if (held[i]!.agentId === id) held.splice(i, 1);
        } else if (op < 0.12 && frameworks.length < 5) {
          const info = framework(`f${next++}`, [pick(["*", "r", "q"])]);
          both((a) => a.addFramework(info, none, true));
          frameworks.push(info.id);
        } else if (op < 0.45) {
          const got = skipping.allocator.allocate();
          expect(describeOffers(got)).toEqual(describeOffers(full.allocator.allocate()));
          held.push(...got);
        } else if (op < 0.7 && held.length > 0) {
          const a = held.splice(Math.floor(random() * held.length), 1)[0]!;
          const refuse = pick([0, 1, 5, 60, 3600]);
          both((x) => x.recoverResources(a.frameworkId, a.agentId, a.resources, refuse));
        } else if (op < 0.76 && frameworks.length > 0) {
          const id = pick(frameworks);
          if (random() < 0.5) both((a) => a.suppressOffers(id, []));
          else both((a) => a.reviveOffers(id, []));
        } else if (op < 0.8 && frameworks.length > 0) {
          const id = pick(frameworks);
          if (random() < 0.5) both((a) => a.deactivateFramework(id));
          else both((a) => a.activateFramework(id));
        } else if (op < 0.83 && agents.length > 0) {
          const id = pick(agents);
          if (random() < 0.5) both((a) => a.deactivateAgent(id));
          else both((a) => a.activateAgent(id));
        } else if (op < 0.85) {
          const weights = new Map([[pick(["r", "q"]), 1 + Math.floor(random() * 3)]]);
          both((a) => a.updateWeights(weights));
        } else {
          const ms = pick([100, 1000, 5000, 60_000]);
          skipping.clock.advance(ms);
          full.clock.advance(ms);
        }
      }
      skipped += full.calls() - skipping.calls();
    }
    // The comparison means something only if cycles were skipped.
    expect(skipped).toBeGreaterThan(50);
  });
});
