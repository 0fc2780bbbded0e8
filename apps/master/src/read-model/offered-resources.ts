/**
 * What an agent or a framework is offered, as one `Resources` that stays the same object while its
 * contents stay the same. The state views keep an agent's encodings while its inputs are the same
 * objects (memo.ts), and offers come and go far more often than what they hold changes: a
 * framework that declines is offered the same spare resources of an agent again a cycle later
 * (new offer, new resource messages, same contents), and an agent whose offer was made and
 * declined between two reads is offered nothing again. Comparing the new sum with the one kept
 * costs well under a microsecond; encoding the agent again cost 20-40 µs in each format.
 */
import { Resources } from "@mesos/core";
import { type Resource, ResourceSchema, type Value_Ranges, type Value_Set } from "@mesos/proto";
import type { OfferRecord } from "../offers/offer-book.ts";

const kept = new WeakMap<object, Resources>();

/** The sum of `offers`, or the sum kept for `owner` if that has the same contents. */
export function offeredResources(owner: object, offers: readonly OfferRecord[]): Resources {
  const sum = sumOf(offers);
  if (sum.isEmpty()) return Resources.EMPTY;
  const known = kept.get(owner);
  if (known && sameResources(known, sum)) return known;
  kept.set(owner, sum);
  return sum;
}

function sumOf(offers: readonly OfferRecord[]): Resources {
  if (offers.length === 0) return Resources.EMPTY;
  // An agent's offers are usually one (its resources already a bag).
  if (offers.length === 1) return offers[0]!.resources;
  // One bag from every resource (adding bag to bag copied the sum once per offer).
  const all: Resource[] = [];
  for (const o of offers) for (const r of o.resources) all.push(r);
  return Resources.of(all);
}

/**
 * Whether two bags hold the same resources in the same order: each pair the same message, or
 * messages whose fields are the same objects but for their values, compared by value (the
 * allocator builds each offered resource afresh from shared parts: its AllocationInfo,
 * reservations, disk). Messages are never changed in place here (memo.ts), so the same object is
 * the same contents. Anything else counts as different: a view is then encoded again, never wrong.
 */
export function sameResources(a: Resources, b: Resources): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  const ys = b[Symbol.iterator]();
  for (const x of a) if (!sameResource(x, ys.next().value!)) return false;
  return true;
}

/** Resource's fields by their names in a message (protobuf-es sets a field as an own property; `$unknown` holds unknown ones). */
const RESOURCE_FIELDS = [...ResourceSchema.fields.map((f) => f.localName), "$unknown"] as (keyof Resource)[];

function sameResource(x: Resource, y: Resource): boolean {
  if (x === y) return true;
  for (const key of RESOURCE_FIELDS) {
    // A field set to its default is written; one not set is not (and reads the same default).
    if (Object.hasOwn(x, key) !== Object.hasOwn(y, key)) return false;
    const u = x[key];
    const v = y[key];
    if (u === v) continue;
    if (u === undefined || v === undefined) return false;
    switch (key) {
      case "scalar":
        if (!known(x.scalar!) || !known(y.scalar!) || x.scalar!.value !== y.scalar!.value) return false;
        break;
      case "ranges":
        if (!sameRanges(x.ranges!, y.ranges!)) return false;
        break;
      case "set":
        if (!sameSet(x.set!, y.set!)) return false;
        break;
      case "reservations":
        if (x.reservations.length !== y.reservations.length || x.reservations.some((r, i) => r !== y.reservations[i])) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A value message with no unknown fields: its schema's fields are all it holds. */
const known = (m: { $unknown?: unknown }): boolean => m.$unknown === undefined;

function sameRanges(u: Value_Ranges, v: Value_Ranges): boolean {
  if (!known(u) || !known(v) || u.range.length !== v.range.length) return false;
  return u.range.every((r, i) => {
    const s = v.range[i]!;
    return r === s || (known(r) && known(s) && r.begin === s.begin && r.end === s.end);
  });
}

function sameSet(u: Value_Set, v: Value_Set): boolean {
  return known(u) && known(v) && u.item.length === v.item.length && u.item.every((item, i) => item === v.item[i]);
}
