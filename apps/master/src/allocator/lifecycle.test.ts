import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { parseResources } from "@mesos/core";
import { Resource_ReservationInfo_Type, Resource_ReservationInfoSchema } from "@mesos/proto";
import { agent, framework, harness, scalarSum } from "./test-helpers.ts";

const none = new Map();

describe("agents", () => {
  test("resources in use are not offered, and count in DRF", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("busy"), none, true);
    allocator.addFramework(framework("idle"), none, true);
    const used = parseResources("cpus:3;mem:512").allocate("*");
    allocator.addAgent(agent("x", "cpus:4;mem:1024"), new Map([["busy", used]]));
    const out = allocator.allocate();
    expect(out.map((a) => a.frameworkId)).toEqual(["idle"]);
    expect(out[0]!.resources.scalar("cpus")).toBe(1);
  });

  test("used resources of a framework not added yet are held for it, and adopted without double counting", () => {
    const { allocator } = harness();
    const used = parseResources("cpus:3;mem:512").allocate("*");
    allocator.addAgent(agent("x", "cpus:4;mem:1024"), new Map([["late", used]]));
    allocator.addFramework(framework("other"), none, true);
    expect(scalarSum(allocator.allocate(), "cpus")).toBe(1);
    allocator.addFramework(framework("late"), new Map([["x", used]]), true);
    expect(allocator.allocate()).toEqual([]);
    allocator.recoverResources("late", "x", used, 0);
    expect(scalarSum(allocator.allocate(), "cpus")).toBe(3);
  });

  test("removed agents are not offered; recovering their resources is a no-op", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f"), none, true);
    allocator.addAgent(agent("x", "cpus:1;mem:64"), none);
    const [offer] = allocator.allocate();
    allocator.removeAgent("x");
    allocator.recoverResources("f", "x", offer!.resources, 5);
    expect(allocator.allocate()).toEqual([]);
    allocator.addAgent(agent("x", "cpus:1;mem:64"), none);
    expect(allocator.allocate().length).toBe(1); // no stale filter, no stale allocation
  });

  test("deactivated agents are not offered until activated", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f"), none, true);
    allocator.addAgent(agent("x", "cpus:1;mem:64"), none);
    allocator.deactivateAgent("x");
    expect(allocator.allocate()).toEqual([]);
    allocator.activateAgent("x");
    expect(allocator.allocate().length).toBe(1);
  });

  test("updateAgent changes what is offered (e.g. new revocable resources)", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f", ["*"], { revocableResources: true }), none, true);
    allocator.addAgent(agent("x", "cpus:1;mem:64"), none);
    const held = allocator.allocate();
    expect(held.length).toBe(1);
    const revocable = parseResources(JSON.stringify([{ name: "cpus", type: "SCALAR", scalar: { value: 10 }, revocable: {} }]));
    allocator.updateAgent("x", parseResources("cpus:1;mem:64").plus(revocable));
    const out = allocator.allocate();
    expect(out.length).toBe(1);
    expect(out[0]!.resources.scalar("cpus")).toBe(10);
  });
});

describe("frameworks", () => {
  test("removing a framework returns its resources to the others", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("a"), none, true);
    allocator.addAgent(agent("x", "cpus:1;mem:64"), none);
    expect(allocator.allocate().map((o) => o.frameworkId)).toEqual(["a"]);
    allocator.addFramework(framework("b"), none, true);
    expect(allocator.allocate()).toEqual([]);
    allocator.removeFramework("a");
    expect(allocator.allocate().map((o) => o.frameworkId)).toEqual(["b"]);
  });

  test("deactivated frameworks keep their resources but get no offers", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("a"), none, true);
    allocator.addAgent(agent("x", "cpus:2;mem:64"), new Map([["a", parseResources("cpus:1").allocate("*")]]));
    allocator.deactivateFramework("a");
    expect(allocator.allocate()).toEqual([]);
    allocator.activateFramework("a");
    expect(scalarSum(allocator.allocate(), "cpus")).toBe(1);
  });

  test("updateFramework: new roles and capabilities apply from the next cycle; left roles stay tracked until recovered", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f", ["r1"]), none, true);
    allocator.addAgent(agent("x1", "cpus(r1):1;mem(r1):64"), none);
    allocator.addAgent(agent("x2", "cpus(r2):1;mem(r2):64"), none);
    const first = allocator.allocate();
    expect(first.map((a) => a.role)).toEqual(["r1"]);
    allocator.updateFramework(framework("f", ["r2"]));
    expect(allocator.allocate().map((a) => a.role)).toEqual(["r2"]);
    // Resources offered under r1 can still come back (r1 is tracked until then).
    allocator.recoverResources("f", "x1", first[0]!.resources, 0);
    expect(allocator.allocate()).toEqual([]); // r1 is no longer subscribed
    allocator.updateFramework(framework("f", ["r1", "r2"]));
    expect(allocator.allocate().map((a) => a.role)).toEqual(["r1"]);
  });

  test("recovering for an unknown framework or agent is a no-op", () => {
    const { allocator } = harness();
    allocator.addAgent(agent("x", "cpus:1;mem:64"), none);
    allocator.recoverResources("ghost", "x", parseResources("cpus:1").allocate("*"), 10);
    allocator.recoverResources("ghost", "nowhere", parseResources("cpus:1").allocate("*"), 10);
    allocator.addFramework(framework("f"), none, true);
    expect(allocator.allocate().length).toBe(1);
  });
});

describe("updateAllocation (offer operations)", () => {
  test("RESERVE converts offered resources: the agent's total changes, the framework keeps them", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f", ["a"]), none, true);
    allocator.addFramework(framework("other", ["z"]), none, true);
    allocator.addAgent(agent("x", "cpus:4;mem:256"), none);
    const [offer] = allocator.allocate();
    expect(offer!.frameworkId).toBe("f"); // role a sorts before z
    const from = parseResources("cpus:2").allocate("a");
    const to = from.pushReservation(
      create(Resource_ReservationInfoSchema, { type: Resource_ReservationInfo_Type.DYNAMIC, role: "a", principal: "p" }),
    );
    allocator.updateAllocation("f", "x", from, to);
    // Everything goes back: the reserved cpus are now only offered to role a.
    allocator.recoverResources("f", "x", offer!.resources.minus(from).plus(to), 0);
    const out = allocator.allocate();
    const other = out.filter((a) => a.frameworkId === "other");
    const mine = out.filter((a) => a.frameworkId === "f");
    expect(scalarSum(other, "cpus")).toBe(2);
    expect([...mine.flatMap((a) => [...a.resources])].filter((r) => r.reservations.length > 0).reduce((n, r) => n + (r.scalar?.value ?? 0), 0)).toBe(
      2,
    );
  });
});

describe("cycles over some agents (Mesos's allocate(slaveIds))", () => {
  test("only the named active agents are offered; unknown and inactive ones are skipped", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("f"), none, true);
    for (const id of ["x", "y", "z"]) allocator.addAgent(agent(id, "cpus:1;mem:64"), none);
    allocator.deactivateAgent("z");
    const out = allocator.allocate(["y", "z", "gone", "y"]);
    expect(out.map((a) => a.agentId)).toEqual(["y"]);
    expect(
      allocator
        .allocate()
        .map((a) => a.agentId)
        .sort(),
    ).toEqual(["x"]);
  });
});
