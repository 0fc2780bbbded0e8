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
import type { Resource, Value_Ranges, Value_Set } from "@mesos/proto";
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
  const xs = [...a];
  const ys = [...b];
  for (let i = 0; i < xs.length; i++) if (!sameResource(xs[i]!, ys[i]!)) return false;
  return true;
}

function sameResource(x: Resource, y: Resource): boolean {
  if (x === y) return true;
  const keys = Object.keys(x) as (keyof Resource)[];
  if (keys.length !== Object.keys(y).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(y, key)) return false;
    const [u, v] = [x[key], y[key]];
    if (u === v) continue;
    if (u === undefined || v === undefined) return false;
    switch (key) {
      case "scalar":
        if (!sameFields(x.scalar!, y.scalar!, ["value"]) || x.scalar!.value !== y.scalar!.value) return false;
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

/** Both messages have their type and exactly `fields` as their own fields. */
function sameFields(u: object, v: object, fields: readonly string[]): boolean {
  const [ku, kv] = [Object.keys(u), Object.keys(v)];
  const expected = fields.length + 1; // and $typeName
  return ku.length === expected && kv.length === expected && fields.every((f) => Object.hasOwn(u, f) && Object.hasOwn(v, f));
}

function sameRanges(u: Value_Ranges, v: Value_Ranges): boolean {
  if (!sameFields(u, v, ["range"]) || u.range.length !== v.range.length) return false;
  return u.range.every((r, i) => {
    const s = v.range[i]!;
    return r === s || (sameFields(r, s, ["begin", "end"]) && r.begin === s.begin && r.end === s.end);
  });
}

function sameSet(u: Value_Set, v: Value_Set): boolean {
  return sameFields(u, v, ["item"]) && u.item.length === v.item.length && u.item.every((item, i) => item === v.item[i]);
}
