import { describe, expect, test } from "bun:test";
import { parseResources } from "@mesos/core";
import { agent, declineAll, framework, harness, quantities } from "./test-helpers.ts";

const none = new Map();

describe("--min_allocatable_resources and per-role overrides", () => {
  const setup = (minAllocatable?: Map<string, ReturnType<typeof quantities>[]>) => {
    const h = harness({ min: "cpus:1;mem:32|disk:1" });
    h.allocator.addFramework(framework("f", ["r"], {}, minAllocatable ? { minAllocatable } : {}), none, true);
    h.allocator.addAgent(agent("x", "cpus:0.5;mem:64"), none);
    return h.allocator;
  };

  test("cpus:1;mem:32|disk:1 with cpus:0.5;mem:64 left: no offer", () => {
    expect(setup().allocate()).toEqual([]);
  });

  test("an override [{cpus:0.1}] for the role replaces the flag", () => {
    const out = setup(new Map([["r", [quantities("cpus:0.1")]]])).allocate();
    expect(out.length).toBe(1);
    expect(out[0]!.resources.scalar("cpus")).toBe(0.5);
  });

  test("an empty override list accepts any non-empty offer", () => {
    expect(setup(new Map([["r", []]])).allocate().length).toBe(1);
  });

  test("an override for another role does not apply", () => {
    expect(setup(new Map([["other", []]])).allocate()).toEqual([]);
  });

  test("ranges count their values", () => {
    const { allocator } = harness({ min: "ports:3" });
    allocator.addFramework(framework("f"), none, true);
    allocator.addAgent(agent("two", "ports:[1-2]"), none);
    expect(allocator.allocate()).toEqual([]);
    allocator.addAgent(agent("three", "ports:[5-5,7-8]"), none);
    expect(allocator.allocate().map((a) => a.agentId)).toEqual(["three"]);
  });

  test("updateFramework changes the override from the next cycle", () => {
    const { allocator } = harness({ min: "cpus:1" });
    allocator.addFramework(framework("f"), none, true);
    allocator.addAgent(agent("x", "cpus:0.5;mem:64"), none);
    expect(allocator.allocate()).toEqual([]);
    allocator.updateFramework(framework("f", ["*"], {}, { minAllocatable: new Map([["*", [quantities("mem:64")]]]) }));
    expect(allocator.allocate().length).toBe(1);
  });
});

describe("refusal filters", () => {
  const setup = (intervalMs = 1000) => {
    const h = harness({ allocationIntervalMs: intervalMs });
    h.allocator.addFramework(framework("f"), none, true);
    h.allocator.addAgent(agent("x", "cpus:2;mem:256"), none);
    return h;
  };

  test("a 10 s decline is not re-offered before 10 s", () => {
    const { allocator, clock } = setup();
    declineAll(allocator, allocator.allocate(), 10);
    expect(allocator.allocate()).toEqual([]);
    clock.advance(9_900);
    expect(allocator.allocate()).toEqual([]);
    clock.advance(100);
    expect(allocator.allocate().length).toBe(1);
  });

  test("a 0 s decline is offered again in the next cycle", () => {
    const { allocator } = setup();
    declineAll(allocator, allocator.allocate(), 0);
    expect(allocator.allocate().length).toBe(1);
  });

  test("a filter lives at least one allocation interval", () => {
    const { allocator, clock } = setup(5000);
    declineAll(allocator, allocator.allocate(), 1);
    clock.advance(4_900);
    expect(allocator.allocate()).toEqual([]);
    clock.advance(100);
    expect(allocator.allocate().length).toBe(1);
  });

  test("a filter hides only what it contains: a bigger offer passes", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f"), none, true);
    const task = parseResources("cpus:1;mem:128").allocate("*");
    allocator.addAgent(agent("x", "cpus:2;mem:256"), new Map([["f", task]]));
    declineAll(allocator, allocator.allocate(), 1000); // refuses cpus:1;mem:128
    expect(allocator.allocate()).toEqual([]);
    allocator.recoverResources("f", "x", task, 0); // the task ends: cpus:2;mem:256 now free
    const out = allocator.allocate();
    expect(out.length).toBe(1);
    expect(out[0]!.resources.scalar("cpus")).toBe(2);
  });

  test("a filter that refused a whole agent keeps hiding it while availability moves, until it grows", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f"), none, true);
    allocator.addAgent(agent("x", "cpus:4;mem:256"), none);
    declineAll(allocator, allocator.allocate(), 1000); // f refused everything x has
    allocator.addFramework(framework("g"), none, true);
    const [toG] = allocator.allocate();
    expect(toG!.frameworkId).toBe("g");
    // g keeps the cpus for a task and gives the mem back: x now has less than f refused.
    allocator.recoverResources(
      "g",
      "x",
      toG!.resources.filter((r) => r.name === "mem"),
      1000,
    );
    expect(allocator.allocate()).toEqual([]);
    // The task ends: x is back to exactly what f refused, still hidden from f.
    allocator.recoverResources(
      "g",
      "x",
      toG!.resources.filter((r) => r.name === "cpus"),
      0,
    );
    const back = allocator.allocate();
    expect(back.map((a) => a.frameworkId)).toEqual(["g"]);
    declineAll(allocator, back, 1000);
    expect(allocator.allocate()).toEqual([]);
    // x grows beyond what f refused: f gets it.
    allocator.updateAgent("x", parseResources("cpus:8;mem:256"));
    expect(
      allocator
        .allocate()
        .map((a) => a.frameworkId)
        .sort(),
    ).toEqual(["f"]);
  });

  test("filters are per framework: another framework still gets the agent", () => {
    const { allocator } = setup();
    allocator.addFramework(framework("g"), none, true);
    const first = allocator.allocate();
    declineAll(allocator, first, 100);
    const next = allocator.allocate();
    expect(next.map((a) => a.frameworkId)).toEqual([first[0]!.frameworkId === "f" ? "g" : "f"]);
  });

  test("deactivating a framework clears its filters", () => {
    const { allocator } = setup();
    declineAll(allocator, allocator.allocate(), 1000);
    allocator.deactivateFramework("f");
    expect(allocator.allocate()).toEqual([]);
    allocator.activateFramework("f");
    expect(allocator.allocate().length).toBe(1);
  });

  test("leaving a role clears that role's filters", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f", ["r1", "r2"]), none, true);
    allocator.addAgent(agent("x", "cpus(r1):1;mem(r1):64"), none);
    declineAll(allocator, allocator.allocate(), 1000);
    expect(allocator.allocate()).toEqual([]);
    allocator.updateFramework(framework("f", ["r2"]));
    allocator.updateFramework(framework("f", ["r1", "r2"]));
    expect(allocator.allocate().length).toBe(1);
  });
});

describe("SUPPRESS and REVIVE", () => {
  const setup = () => {
    const h = harness();
    h.allocator.addFramework(framework("f", ["r1", "r2"]), none, true);
    h.allocator.addAgent(agent("x1", "cpus(r1):1;mem(r1):64"), none);
    h.allocator.addAgent(agent("x2", "cpus(r2):1;mem(r2):64"), none);
    return h.allocator;
  };

  test("REVIVE for one role clears the filters of every role", () => {
    const allocator = setup();
    declineAll(allocator, allocator.allocate(), 1000);
    expect(allocator.allocate()).toEqual([]);
    allocator.reviveOffers("f", ["r1"]);
    expect(
      allocator
        .allocate()
        .map((a) => a.role)
        .sort(),
    ).toEqual(["r1", "r2"]);
  });

  test("SUPPRESS stops offers for a role, REVIVE resumes them", () => {
    const allocator = setup();
    allocator.suppressOffers("f", ["r1"]);
    const out = allocator.allocate();
    expect(out.map((a) => a.role)).toEqual(["r2"]);
    declineAll(allocator, out, 0);
    expect(allocator.allocate().map((a) => a.role)).toEqual(["r2"]);
    allocator.reviveOffers("f", ["r1"]);
    expect(allocator.allocate().map((a) => a.role)).toEqual(["r1"]);
  });

  test("SUPPRESS with no roles suppresses all; REVIVE with none revives all", () => {
    const allocator = setup();
    allocator.suppressOffers("f", []);
    expect(allocator.allocate()).toEqual([]);
    allocator.reviveOffers("f", []);
    expect(allocator.allocate().length).toBe(2);
  });

  test("SUPPRESS naming a role the framework is not subscribed to changes nothing", () => {
    const allocator = setup();
    allocator.suppressOffers("f", ["unsubscribed"]);
    expect(allocator.allocate().length).toBe(2);
  });

  test("suppressed_roles at subscription", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f", ["r1", "r2"], {}, { suppressedRoles: ["r2"] }), none, true);
    allocator.addAgent(agent("x2", "cpus(r2):1;mem(r2):64"), none);
    expect(allocator.allocate()).toEqual([]);
    allocator.reviveOffers("f", ["r2"]);
    expect(allocator.allocate().length).toBe(1);
  });
});
