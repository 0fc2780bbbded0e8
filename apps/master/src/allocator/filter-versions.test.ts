/**
 * The availability-version shortcut of refusal filters (filters.ts) changes no outcome: over random
 * event sequences where frameworks keep part of what they are offered and give back the rest (so an
 * agent's availability moves away from what its filters saw), an allocator using the shortcut offers
 * exactly what one checking every filter against every offer offers.
 */
import { expect, test } from "bun:test";
import { parseResources, type Resources } from "@mesos/core";
import type { Allocation, Allocator } from "./allocator.ts";
import { agent, framework, harness, seededRandom } from "./test-helpers.ts";

const none = new Map<string, Resources>();
const describeOffers = (out: readonly Allocation[]) => out.map((a) => `${a.frameworkId}@${a.agentId}/${a.role}: ${a.resources.toString()}`);

test("over random event sequences with partial accepts, the same offers as checking every filter in full", () => {
  let offers = 0;
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    const random = seededRandom(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const shortcut = harness({ seed });
    const full = harness({ seed, checkFiltersInFull: true });
    const both = (fn: (a: Allocator) => void) => {
      fn(shortcut.allocator);
      fn(full.allocator);
    };
    /** What frameworks hold: offered and not given back yet, or kept for tasks. */
    const held: Allocation[] = [];
    const agents: string[] = [];
    const frameworks: string[] = [];
    let next = 0;
    for (let step = 0; step < 800; step++) {
      const op = random();
      if (op < 0.05 && agents.length < 6) {
        const id = `a${next++}`;
        const total = parseResources(pick(["cpus:2;mem:256", "cpus:1;mem:128;ports:[1-4]", "cpus(r):1;cpus:1;mem:128", "cpus:4;mem:512;disk:100"]));
        both((a) => a.addAgent(agent(id, total), none));
        agents.push(id);
      } else if (op < 0.06 && agents.length > 0) {
        const id = agents.splice(Math.floor(random() * agents.length), 1)[0]!;
        both((a) => a.removeAgent(id));
        for (let i = held.length - 1; i >= 0; i--) if (held[i]!.agentId === id) held.splice(i, 1);
      } else if (op < 0.1 && frameworks.length < 5) {
        const info = framework(`f${next++}`, [pick(["*", "*", "r"])]);
        both((a) => a.addFramework(info, none, true));
        frameworks.push(info.id);
      } else if (op < 0.4) {
        const got = shortcut.allocator.allocate();
        expect(describeOffers(got)).toEqual(describeOffers(full.allocator.allocate()));
        offers += got.length;
        held.push(...got);
      } else if (op < 0.75 && held.length > 0) {
        // Give back all of it, or keep one resource (a task) and give back the rest, with a filter or not.
        const a = held.splice(Math.floor(random() * held.length), 1)[0]!;
        const refuse = pick([0, 1, 5, 60, 3600]);
        const list = [...a.resources];
        if (list.length > 1 && random() < 0.5) {
          const kept = list.splice(Math.floor(random() * list.length), 1);
          const rest = a.resources.filter((r) => list.includes(r));
          both((x) => x.recoverResources(a.frameworkId, a.agentId, rest, refuse));
          held.push({ ...a, resources: a.resources.filter((r) => kept.includes(r)) });
        } else {
          both((x) => x.recoverResources(a.frameworkId, a.agentId, a.resources, refuse));
        }
      } else if (op < 0.8 && frameworks.length > 0) {
        const id = pick(frameworks);
        const suppress = random() < 0.5;
        both((a) => (suppress ? a.suppressOffers(id, []) : a.reviveOffers(id, [])));
      } else if (op < 0.83 && agents.length > 0) {
        const id = pick(agents);
        const total = parseResources(pick(["cpus:2;mem:256", "cpus:8;mem:256", "cpus:1;mem:64"]));
        both((a) => a.updateAgent(id, total));
      } else {
        const ms = pick([100, 1000, 5000, 60_000]);
        shortcut.clock.advance(ms);
        full.clock.advance(ms);
      }
    }
  }
  // The comparison means something only if offers were made (and refused in between).
  expect(offers).toBeGreaterThan(300);
});
