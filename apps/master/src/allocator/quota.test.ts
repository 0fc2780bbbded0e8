import { describe, expect, test } from "bun:test";
import type { Allocation, Allocator } from "./allocator.ts";
import { agent, declineAll, framework, harness, quantities, scalarSum } from "./test-helpers.ts";

const none = new Map();

function setQuota(allocator: Allocator, role: string, guarantees: string, limits = guarantees): void {
  allocator.updateQuota(role, { guarantees: quantities(guarantees), limits: quantities(limits) });
}

/** Unreserved cpus held by `fw` across the given (accepted) allocations. */
function unreservedCpus(list: Allocation[], fw: string): number {
  let fixed = 0;
  for (const a of list) {
    if (a.frameworkId !== fw) continue;
    for (const r of a.resources) if (r.name === "cpus" && r.reservations.length === 0) fixed += Math.round((r.scalar?.value ?? 0) * 1000);
  }
  return fixed / 1000;
}

describe("quota (Mesos 1.8: the guarantee is the limit)", () => {
  test("cpus:10 on a 15-cpu agent gets exactly 10 unreserved cpus plus all the ports, and never more", () => {
    const { allocator } = harness();
    setQuota(allocator, "q", "cpus:10");
    allocator.addFramework(framework("fq", ["q"]), none, true);
    allocator.addAgent(agent("x", "cpus:15;mem:1024;ports:[31000-31009]"), none);
    const [offer, ...rest] = allocator.allocate();
    expect(rest).toEqual([]);
    expect(offer!.frameworkId).toBe("fq");
    expect(offer!.resources.scalar("cpus")).toBe(10);
    expect(offer!.resources.scalar("mem")).toBe(1024); // no guarantee on mem, and no headroom needs it
    expect(offer!.resources.quantities().get("ports")).toBe(10);
    const held = [offer!];
    for (let i = 0; i < 5; i++) {
      held.push(...allocator.allocate());
      expect(unreservedCpus(held, "fq")).toBe(10);
    }
    // Declined and offered again: again exactly 10.
    declineAll(allocator, held);
    const again = allocator.allocate();
    expect(unreservedCpus(again, "fq")).toBe(10);
  });

  test("a non-quota role gets what the quota role may not take", () => {
    const { allocator } = harness();
    setQuota(allocator, "q", "cpus:10");
    allocator.addFramework(framework("fq", ["q"]), none, true);
    allocator.addFramework(framework("fo", ["other"]), none, true);
    allocator.addAgent(agent("x", "cpus:15;mem:1024"), none);
    const out = allocator.allocate();
    expect(unreservedCpus(out, "fq")).toBe(10);
    expect(unreservedCpus(out, "fo")).toBe(5);
  });

  test("headroom for an unmet guarantee is held back from other roles", () => {
    const { allocator } = harness();
    setQuota(allocator, "q", "cpus:8"); // q has no framework yet: its guarantee stays unmet
    allocator.addFramework(framework("fo", ["other"]), none, true);
    for (const id of ["x1", "x2"]) allocator.addAgent(agent(id, "cpus:8;mem:1024"), none);
    const out = allocator.allocate();
    // 16 cpus, 8 must stay free for q: other gets one agent, not two.
    expect(out.length).toBe(1);
    expect(scalarSum(out, "cpus")).toBe(8);
    allocator.addFramework(framework("fq", ["q"]), none, true);
    const next = allocator.allocate();
    expect(next.map((a) => a.frameworkId)).toEqual(["fq"]);
    expect(scalarSum(next, "cpus")).toBe(8);
  });

  test("a quota role's reservations come in stage 1 even with the guarantee met", () => {
    const { allocator } = harness();
    setQuota(allocator, "q", "cpus:1");
    allocator.addFramework(framework("fq", ["q"]), none, true);
    allocator.addAgent(agent("x", "cpus(q):2;cpus:4;mem:256"), none);
    const out = allocator.allocate();
    // Reservations count toward the guarantee (2 >= 1): no unreserved cpus on top.
    expect(out.length).toBe(1);
    expect(scalarSum(out, "cpus")).toBe(2);
    expect(unreservedCpus(out, "fq")).toBe(0);
  });

  test("the cycle after a large-and-small-quota cycle offers nothing", () => {
    const { allocator } = harness();
    for (let i = 0; i < 10; i++) {
      setQuota(allocator, `small${i}`, "cpus:1;mem:1024;disk:1024");
      allocator.addFramework(framework(`fs${i}`, [`small${i}`]), none, true);
    }
    for (let i = 0; i < 2; i++) {
      setQuota(allocator, `large${i}`, "cpus:4;mem:4096;disk:4096");
      allocator.addFramework(framework(`fl${i}`, [`large${i}`]), none, true);
    }
    for (let i = 0; i < 12; i++) allocator.addAgent(agent(`x${i}`, "cpus:2;mem:2048;disk:2048"), none);
    const first = allocator.allocate();
    for (let i = 0; i < 10; i++) expect(scalarSum(first, "cpus", (a) => a.frameworkId === `fs${i}`)).toBe(1);
    for (let i = 0; i < 2; i++) expect(scalarSum(first, "cpus", (a) => a.frameworkId === `fl${i}`)).toBe(4);
    expect(allocator.allocate()).toEqual([]);
  });

  test("removing quota makes the role an ordinary one", () => {
    const { allocator } = harness();
    setQuota(allocator, "q", "cpus:2");
    allocator.addFramework(framework("fq", ["q"]), none, true);
    allocator.addAgent(agent("x", "cpus:6;mem:64"), none);
    expect(scalarSum(allocator.allocate(), "cpus")).toBe(2);
    allocator.updateQuota("q", undefined);
    expect(scalarSum(allocator.allocate(), "cpus")).toBe(4);
  });
});

describe("quota limits beyond the guarantee", () => {
  test("a role bursts above its guarantee in stage 2, up to its limit and never beyond", () => {
    const { allocator } = harness();
    setQuota(allocator, "q", "cpus:4", "cpus:8");
    allocator.addFramework(framework("fq", ["q"]), none, true);
    allocator.addAgent(agent("x", "cpus:15;mem:1024"), none);
    const held = allocator.allocate();
    expect(held.length).toBe(1); // stage 1 and stage 2 pieces merged into one offer
    expect(unreservedCpus(held, "fq")).toBe(8);
    for (let i = 0; i < 3; i++) held.push(...allocator.allocate());
    expect(unreservedCpus(held, "fq")).toBe(8);
  });

  test("raising the limit above the guarantee lets the role take part in stage 2", () => {
    const { allocator } = harness();
    setQuota(allocator, "q", "cpus:2");
    allocator.addFramework(framework("fq", ["q"]), none, true);
    allocator.addAgent(agent("x", "cpus:6;mem:64"), none);
    const held = allocator.allocate();
    expect(unreservedCpus(held, "fq")).toBe(2);
    expect(allocator.allocate()).toEqual([]);
    setQuota(allocator, "q", "cpus:2", "cpus:5");
    held.push(...allocator.allocate());
    expect(unreservedCpus(held, "fq")).toBe(5);
  });

  test("guarantees still get headroom while another quota role bursts", () => {
    const { allocator } = harness();
    setQuota(allocator, "burst", "cpus:1", "cpus:100");
    setQuota(allocator, "waiting", "cpus:6");
    allocator.addFramework(framework("fb", ["burst"]), none, true);
    for (const id of ["x1", "x2"]) allocator.addAgent(agent(id, "cpus:8;mem:1024"), none);
    const out = allocator.allocate();
    // 16 cpus, 6 kept for `waiting` (no framework yet): burst gets 1 + at most 9.
    expect(unreservedCpus(out, "fb")).toBeLessThanOrEqual(10);
    expect(unreservedCpus(out, "fb")).toBeGreaterThanOrEqual(1);
    allocator.addFramework(framework("fw", ["waiting"]), none, true);
    expect(unreservedCpus(allocator.allocate(), "fw")).toBe(6);
  });

  test("limits without guarantees are never exceeded, across agents and subroles", () => {
    const { allocator } = harness();
    setQuota(allocator, "lim", "", "cpus:3");
    allocator.addFramework(framework("f1", ["lim"]), none, true);
    allocator.addFramework(framework("f2", ["lim/sub"]), none, true);
    for (const id of ["x1", "x2", "x3"]) allocator.addAgent(agent(id, "cpus:2;mem:512"), none);
    const held: Allocation[] = [];
    for (let i = 0; i < 4; i++) held.push(...allocator.allocate());
    expect(unreservedCpus(held, "f1") + unreservedCpus(held, "f2")).toBe(3);
    declineAll(
      allocator,
      held.filter((a) => a.frameworkId === "f2"),
    );
    const again = allocator.allocate();
    expect(
      unreservedCpus(
        held.filter((a) => a.frameworkId === "f1"),
        "f1",
      ) +
        unreservedCpus(again, "f1") +
        unreservedCpus(again, "f2"),
    ).toBeLessThanOrEqual(3);
  });
});
