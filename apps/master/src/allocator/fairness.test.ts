import { describe, expect, test } from "bun:test";
import { parseResources } from "@mesos/core";
import type { Allocation } from "./allocator.ts";
import { RandomSorter } from "./random-sorter.ts";
import { agent, framework, harness, scalarSum, seededRandom } from "./test-helpers.ts";

const none = new Map();

describe("DRF fairness", () => {
  test("weights 1:2 converge to a 1:2 share while resources churn", () => {
    const { allocator } = harness();
    allocator.updateWeights(new Map([["b", 2]]));
    for (let i = 0; i < 60; i++) allocator.addAgent(agent(`a${i}`, "cpus:1;mem:1024"), none);
    allocator.addFramework(framework("fa", ["a"]), none, true);
    allocator.addFramework(framework("fb", ["b"]), none, true);
    const held = new Map<string, Allocation[]>([
      ["fa", []],
      ["fb", []],
    ]);
    const random = seededRandom(3);
    for (let cycle = 0; cycle < 150; cycle++) {
      // Each framework finishes a random fifth of what it runs...
      for (const [fw, list] of held) {
        const keep: Allocation[] = [];
        for (const a of list) {
          if (random() < 0.2) allocator.recoverResources(fw, a.agentId, a.resources, 0);
          else keep.push(a);
        }
        held.set(fw, keep);
      }
      // ...and accepts everything it is offered.
      for (const a of allocator.allocate()) held.get(a.frameworkId)!.push(a);
      const na = held.get("fa")!.length;
      const nb = held.get("fb")!.length;
      expect(na + nb).toBe(60);
      expect(Math.abs(nb - 2 * na)).toBeLessThanOrEqual(2);
    }
  });

  test("equal shares are broken by allocation count, then by name", () => {
    const { allocator } = harness({ min: "" });
    allocator.addFramework(framework("fw-b"), none, true);
    allocator.addFramework(framework("fw-a"), none, true);
    // Ports do not count toward shares, so every share stays 0 and only the tie-breakers decide.
    allocator.addAgent(agent("x1", "ports:[1-10]"), none);
    expect(allocator.allocate().map((a) => a.frameworkId)).toEqual(["fw-a"]); // name
    allocator.addAgent(agent("x2", "ports:[1-10]"), none);
    expect(allocator.allocate().map((a) => a.frameworkId)).toEqual(["fw-b"]); // fewer allocations
    allocator.addAgent(agent("x3", "ports:[1-10]"), none);
    expect(allocator.allocate().map((a) => a.frameworkId)).toEqual(["fw-a"]); // counts equal again: name
  });

  test("roles are ordered before frameworks: a lower-share role goes first", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f1", ["busy"]), none, true);
    allocator.addFramework(framework("f2", ["idle"]), none, true);
    allocator.addAgent(agent("used", "cpus:4;mem:4096"), new Map([["f1", parseResources("cpus:4;mem:4096").allocate("busy")]]));
    allocator.addAgent(agent("free", "cpus:4;mem:4096"), none);
    expect(allocator.allocate().map((a) => [a.frameworkId, a.agentId])).toEqual([["f2", "free"]]);
  });

  test("fair_sharing_excluded_resource_names leaves a resource out of shares", () => {
    for (const excluded of [[], ["gpus"]]) {
      const { allocator } = harness({ fairSharingExcludedResourceNames: excluded, filterGpuResources: false });
      allocator.addFramework(framework("g", ["gpu-role"]), none, true);
      allocator.addFramework(framework("c", ["cpu-role"]), none, true);
      const gpuHeld = parseResources("cpus:1;gpus:4").allocate("gpu-role");
      const cpuHeld = parseResources("cpus:2").allocate("cpu-role");
      allocator.addAgent(agent("g1", "cpus:1;gpus:4"), new Map([["g", gpuHeld]]));
      allocator.addAgent(agent("c1", "cpus:2"), new Map([["c", cpuHeld]]));
      allocator.addAgent(agent("new", "cpus:1;mem:64"), none);
      // With gpus counted, gpu-role's share is 1.0 and cpu-role (0.5) goes first; without, 0.25 vs 0.5.
      const winner = allocator.allocate()[0]!.frameworkId;
      expect(winner).toBe(excluded.length === 0 ? "c" : "g");
    }
  });
});

describe("hierarchical roles", () => {
  test("`a` and `a/b` share `a`'s part of the cluster", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("fa", ["a"]), none, true);
    allocator.addFramework(framework("fab", ["a/b"]), none, true);
    allocator.addFramework(framework("fc", ["c"]), none, true);
    for (let i = 0; i < 4; i++) allocator.addAgent(agent(`x${i}`, "cpus:1;mem:1024"), none);
    const count = (fw: string, out: Allocation[]) => out.filter((a) => a.frameworkId === fw).length;
    const out = allocator.allocate();
    expect(count("fc", out)).toBe(2);
    expect(count("fa", out)).toBe(1);
    expect(count("fab", out)).toBe(1);
  });

  test("a reservation for `a` is offered to `a/b`, not to other roles; one for `a/b` not to `a`", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("fab", ["a/b"]), none, true);
    allocator.addFramework(framework("fc", ["c"]), none, true);
    allocator.addAgent(agent("res-a", "cpus(a):4;mem(a):1024"), none);
    const out = allocator.allocate();
    expect(out.map((a) => [a.frameworkId, a.role])).toEqual([["fab", "a/b"]]);
    expect(out[0]!.resources.scalar("cpus")).toBe(4);
    for (const r of out[0]!.resources) expect(r.allocationInfo?.role).toBe("a/b");

    const h2 = harness();
    h2.allocator.addFramework(framework("fa", ["a"]), none, true);
    h2.allocator.addAgent(agent("res-ab", "cpus(a/b):4;mem(a/b):1024"), none);
    expect(h2.allocator.allocate()).toEqual([]);
  });
});

describe("multi-role frameworks", () => {
  test("one Allocation per role, each carrying its role's AllocationInfo", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("multi", ["r1", "r2"]), none, true);
    allocator.addAgent(agent("x", "cpus(r1):2;mem(r1):64;cpus(r2):3;mem(r2):64"), none);
    const out = allocator.allocate();
    expect(out.map((a) => a.role).sort()).toEqual(["r1", "r2"]);
    for (const a of out) {
      expect(a.frameworkId).toBe("multi");
      for (const r of a.resources) expect(r.allocationInfo?.role).toBe(a.role);
    }
    expect(scalarSum(out, "cpus", (a) => a.role === "r2")).toBe(3);
  });
});

describe("random sorter", () => {
  test("walks cover every order, weighted by path", () => {
    const random = seededRandom(11);
    const weights = new Map([["heavy", 3]]);
    const basis = { total: new Float64Array(8), excluded: new Uint8Array(8), epoch: 0 };
    const sorter = new RandomSorter<string>({ basis, newVector: () => new Float64Array(8), weightOf: (p) => weights.get(p) ?? 1, random });
    for (const name of ["x", "y", "z"]) sorter.setActive(sorter.add(name, name), true);
    const orders = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const order: string[] = [];
      sorter.forEach((c) => (order.push(c), true));
      orders.add(order.join(","));
    }
    expect(orders.size).toBe(6);

    const weighted = new RandomSorter<string>({ basis, newVector: () => new Float64Array(8), weightOf: (p) => weights.get(p) ?? 1, random });
    for (const name of ["heavy", "light"]) weighted.setActive(weighted.add(name, name), true);
    let heavyFirst = 0;
    for (let i = 0; i < 2000; i++) weighted.forEach((c) => ((heavyFirst += c === "heavy" ? 1 : 0), false));
    expect(heavyFirst / 2000).toBeGreaterThan(0.7);
    expect(heavyFirst / 2000).toBeLessThan(0.8);
  });

  test("the random framework sorter spreads offers over all frameworks", () => {
    const { allocator } = harness({ frameworkSorter: "random", roleSorter: "random", seed: 5 });
    for (const id of ["f1", "f2", "f3"]) allocator.addFramework(framework(id), none, true);
    allocator.addAgent(agent("x", "cpus:1;mem:64"), none);
    const got = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const [offer] = allocator.allocate();
      got.add(offer!.frameworkId);
      // Hand it back and reset shares so only the shuffle decides.
      allocator.recoverResources(offer!.frameworkId, offer!.agentId, offer!.resources, 0);
    }
    expect([...got].sort()).toEqual(["f1", "f2", "f3"]);
  });
});
