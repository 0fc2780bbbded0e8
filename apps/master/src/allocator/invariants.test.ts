/**
 * Random sequences of allocator events, checked against a model of what frameworks hold:
 * nothing is allocated twice (what is held on an agent always fits in its total), offers respect
 * subscription, suppression and activation, quota limits are never crossed by new allocations,
 * and the allocator's own accounting (stats) agrees with the model.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { parseResources, Resources } from "@mesos/core";
import { Resource_ReservationInfo_Type, Resource_ReservationInfoSchema } from "@mesos/proto";
import type { Allocation, AllocatorFramework } from "./allocator.ts";
import { agent, framework, harness, quantities, seededRandom } from "./test-helpers.ts";

const AGENT_TEMPLATES = [
  "cpus:4;mem:1024;disk:100;ports:[31000-31010]",
  "cpus(a):2;mem(a):256;cpus:2;mem:512",
  "cpus(a/b):1;cpus:3;mem:512;ports:[1-5]",
  "cpus(c):2;mem(c):128;disk:50;cpus:1;mem:64",
].map((text) => parseResources(text));
AGENT_TEMPLATES.push(
  parseResources(JSON.stringify([{ name: "cpus", type: "SCALAR", scalar: { value: 3 }, revocable: {} }])).plus(parseResources("cpus:2;mem:256")),
);
const ROLES = ["a", "a/b", "c", "*", "d/e/f"];

function unreservedNonRevocableCpus(resources: Resources): number {
  let fixed = 0;
  for (const r of resources) if (r.name === "cpus" && r.reservations.length === 0 && !r.revocable) fixed += Math.round((r.scalar?.value ?? 0) * 1000);
  return fixed;
}

function inSubtree(role: string, top: string): boolean {
  return role === top || role.startsWith(`${top}/`);
}

function run(seed: number, steps: number): void {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const { allocator, clock } = harness({ seed, min: pick(["cpus:0.01|mem:32", "", "mem:64"]) });

  const agents = new Map<string, { total: Resources; active: boolean }>();
  const frameworks = new Map<string, { info: AllocatorFramework; active: boolean; suppressed: Set<string> }>();
  /** agent -> framework -> allocations held (with AllocationInfo). */
  const held = new Map<string, Map<string, Allocation[]>>();
  const quota = new Map<string, number>(); // top-level role -> cpus limit (fixed-point)
  let nextId = 0;

  const hold = (a: Allocation) => {
    const byFw = held.get(a.agentId) ?? new Map<string, Allocation[]>();
    held.set(a.agentId, byFw);
    byFw.set(a.frameworkId, [...(byFw.get(a.frameworkId) ?? []), a]);
  };
  const allHeld = () => [...held.values()].flatMap((m) => [...m.values()].flat());
  const consumed = (top: string) => {
    let fixed = 0;
    for (const a of allHeld()) if (inSubtree(a.role, top)) fixed += unreservedNonRevocableCpus(a.resources);
    for (const { total } of agents.values()) {
      for (const r of total) {
        const owner = r.reservations[r.reservations.length - 1]?.role;
        if (r.name === "cpus" && owner && inSubtree(owner, top)) fixed += Math.round((r.scalar?.value ?? 0) * 1000);
      }
    }
    return fixed;
  };

  for (let step = 0; step < steps; step++) {
    const op = random();
    if (op < 0.1 && agents.size < 12) {
      const id = `agent${nextId++}`;
      const total = pick(AGENT_TEMPLATES);
      const used = new Map<string, Resources>();
      const fw = frameworks.size > 0 && random() < 0.3 ? pick([...frameworks.values()]) : undefined;
      if (fw) used.set(fw.info.id, parseResources("cpus:1;mem:32").allocate(fw.info.roles[0]!));
      allocator.addAgent(agent(id, total), used);
      agents.set(id, { total, active: true });
      for (const [fwId, resources] of used) hold({ frameworkId: fwId, agentId: id, role: fw!.info.roles[0]!, resources });
    } else if (op < 0.13 && agents.size > 0) {
      const id = pick([...agents.keys()]);
      allocator.removeAgent(id);
      agents.delete(id);
      held.delete(id);
    } else if (op < 0.2 && frameworks.size < 8) {
      const roles = ROLES.filter(() => random() < 0.4);
      if (roles.length === 0) roles.push(pick(ROLES));
      const info = framework(
        `fw${nextId++}`,
        roles,
        {
          revocableResources: random() < 0.5,
          reservationRefinement: random() < 0.5,
          multiRole: true,
        },
        random() < 0.3 ? { minAllocatable: new Map([[roles[0]!, random() < 0.5 ? [] : [quantities("cpus:0.5")]]]) } : {},
      );
      allocator.addFramework(info, new Map(), true);
      frameworks.set(info.id, { info, active: true, suppressed: new Set() });
    } else if (op < 0.23 && frameworks.size > 0) {
      const id = pick([...frameworks.keys()]);
      allocator.removeFramework(id);
      frameworks.delete(id);
      for (const byFw of held.values()) byFw.delete(id);
    } else if (op < 0.43) {
      const before = new Map([...quota.keys()].map((top) => [top, consumed(top)]));
      const out = allocator.allocate();
      for (const a of out) {
        const fw = frameworks.get(a.frameworkId);
        expect(fw).toBeDefined();
        expect(fw!.active).toBe(true);
        expect(fw!.info.roles).toContain(a.role);
        expect(fw!.suppressed.has(a.role)).toBe(false);
        expect(agents.get(a.agentId)?.active).toBe(true);
        expect(a.resources.isEmpty()).toBe(false);
        for (const r of a.resources) expect(r.allocationInfo?.role).toBe(a.role);
        hold(a);
      }
      for (const [top, limit] of quota) {
        const after = consumed(top);
        if (after > before.get(top)!) expect(after).toBeLessThanOrEqual(limit);
      }
    } else if (op < 0.6) {
      const list = allHeld();
      if (list.length === 0) continue;
      const a = pick(list);
      const byFw = held.get(a.agentId)!;
      const rest = byFw.get(a.frameworkId)!.filter((x) => x !== a);
      const refuse = pick([0, 0, 1, 5, 60]);
      if (random() < 0.5) {
        allocator.recoverResources(a.frameworkId, a.agentId, a.resources, refuse);
      } else {
        // A task keeps the cpus; the rest goes back.
        const keep = a.resources.filter((r) => r.name === "cpus");
        allocator.recoverResources(
          a.frameworkId,
          a.agentId,
          a.resources.filter((r) => r.name !== "cpus"),
          refuse,
        );
        if (!keep.isEmpty()) rest.push({ ...a, resources: keep });
      }
      byFw.set(a.frameworkId, rest);
    } else if (op < 0.66 && frameworks.size > 0) {
      const fw = pick([...frameworks.values()]);
      const roles = fw.info.roles.filter(() => random() < 0.5);
      if (random() < 0.5) {
        allocator.suppressOffers(fw.info.id, roles);
        for (const r of roles.length === 0 ? fw.info.roles : roles) fw.suppressed.add(r);
      } else {
        allocator.reviveOffers(fw.info.id, roles);
        for (const r of roles.length === 0 ? fw.info.roles : roles) fw.suppressed.delete(r);
      }
    } else if (op < 0.71) {
      const top = pick(["a", "c", "d"]);
      if (random() < 0.3) {
        allocator.updateQuota(top, undefined);
        quota.delete(top);
      } else {
        const guarantee = Math.floor(random() * 4);
        const limit = guarantee + Math.floor(random() * 4);
        const guarantees = new Map(guarantee > 0 ? [["cpus", guarantee]] : []);
        allocator.updateQuota(top, { guarantees, limits: new Map([["cpus", limit]]) }); // a 0 limit is a limit
        quota.set(top, limit * 1000);
      }
    } else if (op < 0.75 && frameworks.size > 0) {
      const fw = pick([...frameworks.values()]);
      fw.active = !fw.active;
      if (fw.active) allocator.activateFramework(fw.info.id);
      else allocator.deactivateFramework(fw.info.id);
    } else if (op < 0.78 && agents.size > 0) {
      const id = pick([...agents.keys()]);
      const a = agents.get(id)!;
      a.active = !a.active;
      if (a.active) allocator.activateAgent(id);
      else allocator.deactivateAgent(id);
    } else if (op < 0.82 && frameworks.size > 0) {
      const fw = pick([...frameworks.values()]);
      const roles = [...new Set([...fw.info.roles.filter(() => random() < 0.7), pick(ROLES)])];
      fw.info = { ...fw.info, roles, suppressedRoles: [...fw.suppressed].filter((r) => roles.includes(r)) };
      fw.suppressed = new Set(fw.info.suppressedRoles);
      allocator.updateFramework(fw.info);
    } else if (op < 0.88) {
      // RESERVE one unreserved cpu of something held: the agent's total changes under the holding.
      const a = allHeld().find((x) => x.role !== "*" && x.resources.scalar("cpus") >= 1 && unreservedNonRevocableCpus(x.resources) >= 1000);
      if (!a) continue;
      const from = parseResources("cpus:1").allocate(a.role);
      const to = from.pushReservation(
        create(Resource_ReservationInfoSchema, { type: Resource_ReservationInfo_Type.DYNAMIC, role: a.role, principal: "p" }),
      );
      allocator.updateAllocation(a.frameworkId, a.agentId, from, to);
      const model = agents.get(a.agentId)!;
      model.total = model.total.minus(from.unallocate()).plus(to.unallocate());
      a.resources = a.resources.minus(from).plus(to);
    } else if (op < 0.93) {
      allocator.updateWeights(new Map([[pick(ROLES), 1 + Math.floor(random() * 3)]]));
    } else {
      clock.advance(pick([100, 1000, 5000, 60_000]));
    }

    // Nothing allocated twice: what frameworks hold on an agent fits in its total.
    for (const [id, { total }] of agents) {
      let sum = Resources.EMPTY;
      for (const list of held.get(id)?.values() ?? []) for (const a of list) sum = sum.plus(a.resources.unallocate());
      expect(total.contains(sum)).toBe(true);
    }
    // The allocator's accounting matches the model.
    let cpus = 0;
    for (const a of allHeld()) cpus += Math.round(a.resources.scalar("cpus") * 1000);
    const metric = allocator.stats!().metrics["allocator/mesos/resources/cpus/offered_or_allocated"] ?? 0;
    expect(Math.round(metric * 1000)).toBe(cpus);
  }
}

describe("allocator invariants over random event sequences", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    test(`seed ${seed}`, () => run(seed, 400));
  }
});
