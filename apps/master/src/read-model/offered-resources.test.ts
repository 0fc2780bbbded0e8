import { expect, test } from "bun:test";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import { parseResources, Resources, seededRandom } from "@mesos/core";
import { OfferSchema, type Resource, ResourceSchema, Value_ScalarSchema } from "@mesos/proto";
import type { OfferRecord } from "../offers/offer-book.ts";
import { offeredResources, sameResources } from "./offered-resources.ts";

/** An offer of `resources`, as the allocator makes one: each resource a new message sharing its parts with `like`'s. */
const offerOf = (resources: Resources): OfferRecord => ({
  offer: create(OfferSchema, {}),
  frameworkId: "fw",
  agentId: "a1",
  role: "*",
  resources,
});
/** A new message for each resource, its fields the same objects but a new scalar value message (as OfferBuilder does). */
const rebuilt = (resources: Resources, scalar = (r: Resource) => r.scalar?.value): Resources =>
  Resources.fromNormalized(
    [...resources].map((r) => {
      const copy = Object.assign(Object.create(Object.getPrototypeOf(r)) as Resource, r);
      if (r.scalar) copy.scalar = create(Value_ScalarSchema, { value: scalar(r)! });
      copy.reservations = r.reservations.slice();
      return copy;
    }),
  );

test("the same contents in new messages keep the sum kept before; other contents replace it; nothing offered is EMPTY", () => {
  const owner = {};
  const first = parseResources("cpus:1.5;mem:384;ports:[31000-31005];disk(r1):10").allocate("*");
  expect(offeredResources(owner, [offerOf(first)])).toBe(first);
  // Declined and offered again: new messages, same contents.
  expect(offeredResources(owner, [offerOf(rebuilt(first))])).toBe(first);
  expect(offeredResources(owner, [])).toBe(Resources.EMPTY);
  expect(offeredResources(owner, [offerOf(rebuilt(first))])).toBe(first);
  // A task took some cpus: another sum.
  const less = rebuilt(first, (r) => (r.name === "cpus" ? 1 : r.scalar?.value));
  expect(offeredResources(owner, [offerOf(less)])).toBe(less);
  // Two offers are summed.
  const two = offeredResources(owner, [offerOf(parseResources("cpus:1").allocate("*")), offerOf(parseResources("mem:2").allocate("*"))]);
  expect(two.scalar("cpus")).toBe(1);
  expect(two.scalar("mem")).toBe(2);
});

test("sameResources says the same only of equal messages (random resources, random one-field changes)", () => {
  const random = seededRandom(20);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let same = 0;
  for (let i = 0; i < 2000; i++) {
    const text = [
      `cpus:${pick([1, 1.5, 2])}`,
      `mem:${pick([64, 128])}`,
      `ports:[${pick([31000, 31001])}-${pick([31005, 31010])}]`,
      pick(["", "disk(r1):10", "disk(r2):10"]),
      pick(["", "gpus:{a,b}", "gpus:{a,c}"]),
    ]
      .filter(Boolean)
      .join(";");
    const a = parseResources(text).allocate(pick(["*", "r1"]));
    // Another bag: the same messages rebuilt (equal), one value changed, or parsed afresh.
    const b = pick([
      () => rebuilt(a),
      // A field set to its default value is written in protobuf (unset, it reads the same).
      () => Resources.fromNormalized([...rebuilt(a)].map((r) => Object.assign(r, { role: r.role }))),
      () => rebuilt(a, (r) => (r.name === "cpus" ? 0.5 : r.scalar?.value)),
      () => parseResources(text).allocate(pick(["*", "r1"])),
      () => a,
    ])();
    const xs = [...a];
    const ys = [...b];
    const equal = xs.length === ys.length && xs.every((x, k) => equals(ResourceSchema, x, ys[k]!));
    if (sameResources(a, b)) {
      same++;
      expect(equal).toBe(true);
      expect(ys.map((y) => toBinary(ResourceSchema, y))).toEqual(xs.map((x) => toBinary(ResourceSchema, x)));
    }
  }
  // Most rebuilt bags are recognised (else the views would be encoded again for nothing).
  expect(same).toBeGreaterThan(600);
});
