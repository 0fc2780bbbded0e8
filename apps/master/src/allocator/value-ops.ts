/**
 * Arithmetic on the non-scalar values (ranges, sets) the allocator keeps per agent. Values are the
 * immutable protobuf messages themselves (Value.Ranges / Value.Set, normalized: coalesced, sorted),
 * shared with the offers built from them, so offering a whole value copies nothing and a declined
 * value comes back as the very same object (identity is the fastest containment check).
 */
import { create } from "@bufbuild/protobuf";
import { addRanges, subtractRanges } from "@mesos/core";
import { type Value_Ranges, Value_RangesSchema, type Value_Set, Value_SetSchema } from "@mesos/proto";

export type NonScalar = Value_Ranges | Value_Set;

export const EMPTY_RANGES: Value_Ranges = create(Value_RangesSchema, {});
export const EMPTY_SET: Value_Set = create(Value_SetSchema, {});

function isRanges(v: NonScalar): v is Value_Ranges {
  return v.$typeName === "mesos.v1.Value.Ranges";
}

/** Number of values (ranges) or items (sets): how Mesos counts non-scalars as quantities. */
export function countOf(v: NonScalar): number {
  if (isRanges(v)) {
    let n = 0;
    for (const r of v.range) n += Number(r.end - r.begin) + 1;
    return n;
  }
  return v.item.length;
}

export function isEmptyValue(v: NonScalar): boolean {
  return isRanges(v) ? v.range.length === 0 : v.item.length === 0;
}

export function emptyLike(v: NonScalar): NonScalar {
  return isRanges(v) ? EMPTY_RANGES : EMPTY_SET;
}

export function addValue(a: NonScalar, b: NonScalar): NonScalar {
  if (isEmptyValue(a)) return b;
  if (isEmptyValue(b)) return a;
  if (isRanges(a)) return create(Value_RangesSchema, { range: addRanges(a.range, (b as Value_Ranges).range) });
  const items = new Set(a.item);
  for (const x of (b as Value_Set).item) items.add(x);
  return create(Value_SetSchema, { item: [...items].sort() });
}

export function subtractValue(a: NonScalar, b: NonScalar): NonScalar {
  if (a === b) return emptyLike(a);
  if (isEmptyValue(a) || isEmptyValue(b)) return a;
  if (isRanges(a)) {
    const left = subtractRanges(a.range, (b as Value_Ranges).range);
    return left.length === 0 ? EMPTY_RANGES : create(Value_RangesSchema, { range: left });
  }
  const cut = new Set((b as Value_Set).item);
  const left = a.item.filter((x) => !cut.has(x));
  return left.length === 0 ? EMPTY_SET : create(Value_SetSchema, { item: left });
}

/** The part of `a` also in `b`. */
export function intersectValue(a: NonScalar, b: NonScalar): NonScalar {
  if (a === b) return a;
  return subtractValue(a, subtractValue(a, b));
}

/** Whether `outer` holds every value of `inner` (both normalized). A linear merge walk. */
export function containsValue(outer: NonScalar, inner: NonScalar): boolean {
  if (outer === inner || isEmptyValue(inner)) return true;
  if (isRanges(outer)) {
    const o = outer.range;
    const i = (inner as Value_Ranges).range;
    let j = 0;
    for (const r of i) {
      while (j < o.length && o[j]!.end < r.begin) j++;
      if (j === o.length) return false;
      const x = o[j]!;
      if (x.begin > r.begin || x.end < r.end) return false;
    }
    return true;
  }
  const have = new Set(outer.item);
  for (const x of (inner as Value_Set).item) if (!have.has(x)) return false;
  return true;
}
