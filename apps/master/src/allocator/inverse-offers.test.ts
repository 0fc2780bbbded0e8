/**
 * Inverse offers in the allocator (Mesos's deallocate and updateInverseOffer): made to active
 * frameworks holding resources on an agent with an unavailability, once until answered or
 * rescinded, not while the answer's filter lasts; answers kept per agent; a new unavailability,
 * REVIVE and deactivation start over.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { parseResources } from "@mesos/core";
import { allocator as proto, UnavailabilitySchema } from "@mesos/proto";
import { agent, framework, harness } from "./test-helpers.ts";

const none = new Map();
const unavailability = create(UnavailabilitySchema, { start: { nanoseconds: 1_000n } });
const later = create(UnavailabilitySchema, { start: { nanoseconds: 2_000n } });
const S = proto.InverseOfferStatus_Status;
const status = (s: proto.InverseOfferStatus_Status, frameworkId: string) =>
  create(proto.InverseOfferStatusSchema, { status: s, frameworkId: { value: frameworkId }, timestamp: { nanoseconds: 0n } });
const pairs = (out: { frameworkId: string; agentId: string }[]) => out.map((o) => `${o.frameworkId}@${o.agentId}`).sort();

/** Frameworks a and b each hold resources on agent x; c holds nothing; y has no unavailability. */
function setup() {
  const h = harness();
  const { allocator } = h;
  for (const id of ["a", "b", "c"]) allocator.addFramework(framework(id), none, true);
  const used = (cpus: number) => parseResources(`cpus:${cpus};mem:64`).allocate("*");
  allocator.addAgent(
    agent("x", "cpus:4;mem:1024", { unavailability }),
    new Map([
      ["a", used(1)],
      ["b", used(1)],
    ]),
  );
  allocator.addAgent(agent("y", "cpus:4;mem:1024"), new Map([["a", used(1)]]));
  return h;
}

describe("inverse offers", () => {
  test("one per framework holding resources on an agent to be unavailable, once until answered", () => {
    const { allocator } = setup();
    const out = allocator.deallocate();
    expect(pairs(out)).toEqual(["a@x", "b@x"]);
    expect(out[0]!.unavailability).toBe(unavailability);
    expect(allocator.deallocate()).toEqual([]);
    // A rescinded inverse offer (no answer) is made again; an answered one is not, while its filter lasts.
    allocator.updateInverseOffer("x", "a");
    allocator.updateInverseOffer("x", "b", { status: status(S.ACCEPT, "b"), refuseSeconds: 5 });
    expect(pairs(allocator.deallocate())).toEqual(["a@x"]);
    expect(allocator.inverseOfferStatuses()).toEqual(new Map([["x", new Map([["b", status(S.ACCEPT, "b")]])]]));
  });

  test("the answer's filter lasts refuse_seconds; without one the framework is asked again at once", () => {
    const { allocator, clock } = setup();
    allocator.deallocate();
    allocator.updateInverseOffer("x", "a", { status: status(S.DECLINE, "a"), refuseSeconds: 10 });
    allocator.updateInverseOffer("x", "b", { status: status(S.DECLINE, "b"), refuseSeconds: 0 });
    expect(pairs(allocator.deallocate())).toEqual(["b@x"]);
    clock.advance(9_999);
    expect(allocator.deallocate()).toEqual([]);
    clock.advance(1);
    expect(pairs(allocator.deallocate())).toEqual(["a@x"]);
    expect([...allocator.inverseOfferStatuses().get("x")!.values()].map((s) => S[s.status])).toEqual(["DECLINE", "DECLINE"]);
  });

  test("a new unavailability, REVIVE and deactivation clear filters; no unavailability, no inverse offers", () => {
    const { allocator } = setup();
    allocator.deallocate();
    allocator.updateInverseOffer("x", "a", { status: status(S.DECLINE, "a"), refuseSeconds: 100 });
    allocator.updateInverseOffer("x", "b", { status: status(S.DECLINE, "b"), refuseSeconds: 100 });
    expect(allocator.deallocate()).toEqual([]);
    allocator.reviveOffers("a", []);
    expect(pairs(allocator.deallocate())).toEqual(["a@x"]);
    allocator.updateUnavailability("x", later);
    const out = allocator.deallocate();
    expect([pairs(out), out[0]!.unavailability]).toEqual([["a@x", "b@x"], later]);
    expect(allocator.inverseOfferStatuses().get("x")).toEqual(new Map());
    allocator.updateUnavailability("x", undefined);
    allocator.updateUnavailability("y", unavailability);
    expect(pairs(allocator.deallocate())).toEqual(["a@y"]);
  });

  test("inactive frameworks and agents get none; a framework that gets resources there later does", () => {
    const { allocator } = setup();
    allocator.deactivateFramework("a");
    allocator.deactivateAgent("y");
    allocator.updateUnavailability("y", unavailability);
    expect(pairs(allocator.deallocate())).toEqual(["b@x"]);
    allocator.activateFramework("a");
    expect(pairs(allocator.deallocate())).toEqual(["a@x"]);
    // c holds nothing on x until it is offered some of it (offered resources count, as in Mesos).
    expect(allocator.deallocate()).toEqual([]);
    expect(pairs(allocator.allocate().filter((o) => o.frameworkId === "c"))).toEqual(["c@x"]);
    expect(pairs(allocator.deallocate())).toEqual(["c@x"]);
    allocator.removeAgent("x");
    expect(allocator.inverseOfferStatuses().has("x")).toBe(false);
  });
});
