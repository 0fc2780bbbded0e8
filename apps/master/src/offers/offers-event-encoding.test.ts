/**
 * The OFFERS event written by hand against protobuf-es: on generated offers (plain ones, the views
 * frameworks without MULTI_ROLE get, and offers with fields left to protobuf-es) the bytes are
 * `toBinary`'s, or both fail; plain offers take the hand path.
 */
import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { fuzzRuns } from "@mesos/core";
import { type Offer, OfferSchema, ResourceSchema, scheduler } from "@mesos/proto";
import fc from "fast-check";
import { encodeOffersEvent, offersEncoded } from "./offers-event-encoding.ts";

const RUNS = Math.max(1000, Math.floor(fuzzRuns() / 10));
const TIMEOUT = Math.max(60_000, RUNS * 10);

function expected(offers: Offer[]): Uint8Array | "error" {
  try {
    return toBinary(scheduler.EventSchema, create(scheduler.EventSchema, { type: scheduler.Event_Type.OFFERS, offers: { offers } }));
  } catch {
    return "error";
  }
}

function actual(offers: Offer[]): Uint8Array | "error" {
  try {
    return encodeOffersEvent(offers);
  } catch {
    return "error";
  }
}

const text = fc.oneof(
  fc.constantFrom("", "*", "cpus", "mem", "ports", "role-a/b", "9f3c2d1e-aaaa-bbbb-cccc-0123456789ab-S17"),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 6 }),
);

const resource = fc
  .record(
    {
      name: text,
      type: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(-1)),
      scalar: fc.record({ value: fc.oneof(fc.double(), fc.constantFrom(0.1, 32, 1e-3)) }),
      ranges: fc.record({
        range: fc.array(fc.record({ begin: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), end: fc.bigInt({ min: 0n, max: 70000n }) }), {
          maxLength: 40,
        }),
      }),
      set: fc.record({ item: fc.array(text, { maxLength: 3 }) }),
      role: text,
      allocationInfo: fc.record({ role: text }, { requiredKeys: [] }),
      reservations: fc.array(
        fc.record(
          {
            type: fc.integer({ min: 0, max: 2 }),
            role: text,
            principal: text,
            labels: fc.record({ labels: fc.array(fc.record({ key: text, value: text }), { maxLength: 2 }) }),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 2 },
      ),
      // Left to protobuf-es.
      providerId: fc.record({ value: text }),
      revocable: fc.constant({}),
    },
    { requiredKeys: ["type"] },
  )
  .map((r) => create(ResourceSchema, r as never));

/** As offerForFramework makes them for a framework without MULTI_ROLE: shallow copies, allocationInfo an own undefined. */
function view(offer: Offer): Offer {
  const copy = <T extends object>(m: T): T => Object.assign(Object.create(Object.getPrototypeOf(m)) as T, m);
  const out = copy(offer);
  out.allocationInfo = undefined;
  out.resources = offer.resources.map((r) => {
    const v = copy(r);
    v.allocationInfo = undefined;
    v.role = "*";
    return v;
  });
  return out;
}

const offer = fc
  .record(
    {
      id: fc.record({ value: text }),
      frameworkId: fc.record({ value: text }),
      agentId: fc.record({ value: text }),
      hostname: text,
      url: fc.record({ scheme: fc.constant("http"), address: fc.record({ hostname: text, ip: text, port: fc.integer() }), path: text }),
      resources: fc.array(resource, { maxLength: 5 }),
      allocationInfo: fc.record({ role: text }),
      // Left to protobuf-es.
      attributes: fc.array(fc.record({ name: text, type: fc.constant(3), text: fc.record({ value: text }) }), { maxLength: 2 }),
      executorIds: fc.array(fc.record({ value: text }), { maxLength: 2 }),
      unavailability: fc.record({ start: fc.record({ nanoseconds: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }) }),
      domain: fc.record({ faultDomain: fc.record({ region: fc.record({ name: text }), zone: fc.record({ name: text }) }) }),
    },
    { requiredKeys: ["id", "frameworkId", "agentId"] },
  )
  .chain((o) => fc.constantFrom(create(OfferSchema, o as never)).chain((made) => fc.constantFrom(made, view(made))));

test(
  "generated offers: the same bytes as protobuf-es, or both fail",
  () => {
    fc.assert(
      fc.property(fc.array(offer, { maxLength: 4 }), (offers) => {
        expect(actual(offers)).toEqual(expected(offers));
      }),
      { numRuns: RUNS },
    );
  },
  TIMEOUT,
);

test("an agent's offer as the master makes it, and its view, are written by hand", () => {
  const made = create(OfferSchema, {
    id: { value: "m-O1" },
    frameworkId: { value: "m-0000" },
    agentId: { value: "m-S1" },
    hostname: "node-1",
    url: { scheme: "http", address: { hostname: "node-1", ip: "10.0.0.1", port: 5051 }, path: "/slave(1)" },
    resources: [
      { name: "cpus", type: 0, scalar: { value: 7.9 }, allocationInfo: { role: "*" } },
      { name: "mem", type: 0, scalar: { value: 16352 }, allocationInfo: { role: "*" } },
      { name: "ports", type: 1, ranges: { range: [{ begin: 31000n, end: 32000n }] }, allocationInfo: { role: "*" } },
      { name: "disk", type: 0, scalar: { value: 100 }, reservations: [{ type: 2, role: "web", principal: "ops" }] },
    ],
    allocationInfo: { role: "*" },
  });
  const before = { ...offersEncoded };
  for (const offers of [[made], [view(made), made]]) expect(actual(offers)).toEqual(expected(offers));
  expect(offersEncoded.byHand - before.byHand).toBe(3);
  expect(offersEncoded.resourcesByHand - before.resourcesByHand).toBe(12);
  expect(offersEncoded.byProtobufEs + offersEncoded.resourcesByProtobufEs).toBe(before.byProtobufEs + before.resourcesByProtobufEs);
});

test("an event larger than the writer's first buffer", () => {
  const many = Array.from({ length: 2000 }, (_, i) =>
    create(OfferSchema, {
      id: { value: `O${i}` },
      frameworkId: { value: "f" },
      agentId: { value: `S${i}` },
      hostname: "h".repeat(i % 300),
      resources: [{ name: "cpus", type: 0, scalar: { value: i } }],
    }),
  );
  expect(actual(many)).toEqual(expected(many));
});
