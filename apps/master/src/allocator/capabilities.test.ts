import { describe, expect, test } from "bun:test";
import { parseResources, type Resources } from "@mesos/core";
import { agent, framework, FULL_AGENT_CAPS, harness } from "./test-helpers.ts";

const none = new Map();

function json(list: object[]): Resources {
  return parseResources(JSON.stringify(list));
}

const sharedVolume = {
  name: "disk",
  type: "SCALAR",
  scalar: { value: 100 },
  reservations: [{ type: "DYNAMIC", role: "r", principal: "p" }],
  disk: { persistence: { id: "v1" }, volume: { containerPath: "data", mode: "RW" } },
  shared: {},
};
const plain = { name: "cpus", type: "SCALAR", scalar: { value: 1 } };
const mem = { name: "mem", type: "SCALAR", scalar: { value: 64 } };

describe("capability stripping", () => {
  test("shared volumes go only to SHARED_RESOURCES frameworks, at most once per cycle", () => {
    const { allocator } = harness({ min: "" });
    allocator.addFramework(framework("plain", ["r"]), none, true);
    allocator.addFramework(framework("s1", ["r"], { sharedResources: true }), none, true);
    allocator.addFramework(framework("s2", ["r"], { sharedResources: true }), none, true);
    allocator.addAgent(agent("x", json([sharedVolume, plain, mem])), none);
    for (let cycle = 0; cycle < 4; cycle++) {
      const out = allocator.allocate();
      const withVolume = out.filter((a) => [...a.resources].some((r) => r.shared));
      expect(withVolume.length).toBe(1); // re-offered every cycle (shared), but once per cycle
      expect(withVolume[0]!.frameworkId).not.toBe("plain");
      for (const a of out) if (a.frameworkId === "plain") expect([...a.resources].some((r) => r.shared)).toBe(false);
    }
  });

  test("revocable resources go only to REVOCABLE_RESOURCES frameworks", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("plain"), none, true);
    allocator.addAgent(agent("x", json([{ ...plain, scalar: { value: 4 }, revocable: {} }, mem])), none);
    const out = allocator.allocate();
    expect(out.length).toBe(1);
    expect([...out[0]!.resources].some((r) => r.revocable)).toBe(false);
    allocator.addFramework(framework("rev", ["*"], { revocableResources: true }), none, true);
    const next = allocator.allocate();
    expect(next.map((a) => a.frameworkId)).toEqual(["rev"]);
    expect(next[0]!.resources.scalar("cpus")).toBe(4);
  });

  test("refined reservations go only to RESERVATION_REFINEMENT frameworks", () => {
    const refined = {
      ...plain,
      reservations: [
        { type: "DYNAMIC", role: "a", principal: "p" },
        { type: "DYNAMIC", role: "a/b", principal: "p" },
      ],
    };
    const { allocator } = harness();
    allocator.addFramework(framework("old", ["a/b"]), none, true);
    allocator.addAgent(agent("x", json([refined, { ...mem, reservations: refined.reservations }])), none);
    expect(allocator.allocate()).toEqual([]);
    allocator.addFramework(framework("new", ["a/b"], { reservationRefinement: true }), none, true);
    expect(allocator.allocate().map((a) => a.frameworkId)).toEqual(["new"]);
  });
});

describe("agents a framework cannot take", () => {
  test("GPU agents only go to GPU_RESOURCES frameworks (--filter_gpu_resources)", () => {
    const { allocator } = harness();
    allocator.addFramework(framework("cpu-only"), none, true);
    allocator.addAgent(agent("gpu", "cpus:4;mem:1024;gpus:1"), none);
    expect(allocator.allocate()).toEqual([]);
    allocator.addFramework(framework("gpu-fw", ["*"], { gpuResources: true }), none, true);
    expect(allocator.allocate().map((a) => a.frameworkId)).toEqual(["gpu-fw"]);

    const off = harness({ filterGpuResources: false });
    off.allocator.addFramework(framework("cpu-only"), none, true);
    off.allocator.addAgent(agent("gpu", "cpus:4;mem:1024;gpus:1"), none);
    expect(off.allocator.allocate().length).toBe(1);
  });

  test("a MULTI_ROLE framework is not offered a non-MULTI_ROLE agent", () => {
    const { allocator } = harness();
    allocator.addAgent(agent("old", "cpus:1;mem:64", { capabilities: { ...FULL_AGENT_CAPS, multiRole: false } }), none);
    allocator.addFramework(framework("multi", ["*"], { multiRole: true }), none, true);
    expect(allocator.allocate()).toEqual([]);
    allocator.addFramework(framework("single", ["*"], { multiRole: false }), none, true);
    expect(allocator.allocate().map((a) => a.frameworkId)).toEqual(["single"]);
  });

  test("hierarchical roles are not offered agents without HIERARCHICAL_ROLE", () => {
    const { allocator } = harness();
    allocator.addAgent(agent("old", "cpus:1;mem:64", { capabilities: { ...FULL_AGENT_CAPS, hierarchicalRole: false } }), none);
    allocator.addFramework(framework("nested", ["a/b"]), none, true);
    expect(allocator.allocate()).toEqual([]);
    allocator.addFramework(framework("flat", ["a"]), none, true);
    expect(allocator.allocate().map((a) => a.frameworkId)).toEqual(["flat"]);
  });

  test("agents in a remote region only go to REGION_AWARE frameworks", () => {
    const { allocator } = harness({ masterRegion: "eu" });
    allocator.addAgent(agent("far", "cpus:1;mem:64", { region: "us" }), none);
    allocator.addAgent(agent("near", "cpus:1;mem:64", { region: "eu" }), none);
    allocator.addFramework(framework("local"), none, true);
    expect(allocator.allocate().map((a) => a.agentId)).toEqual(["near"]);
    allocator.addFramework(framework("aware", ["*"], { regionAware: true }), none, true);
    expect(allocator.allocate().map((a) => [a.frameworkId, a.agentId])).toEqual([["aware", "far"]]);
  });
});
