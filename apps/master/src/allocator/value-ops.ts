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

const EMPTY_RANGES: Value_Ranges = create(Value_RangesSchema, {});
const EMPTY_SET: Value_Set = create(Value_SetSchema, {});

function isRanges(v: NonScalar): v is Value_Ranges {
  return v.$typeName === "mesos.v1.Value.Ranges";
}

/**
 * Range endpoints as doubles [b0, e0, b1, e1, ...], cached per (immutable) value: walking bigint
 * fields of protobuf messages costs microseconds, this costs nanoseconds. Null if an endpoint is
 * beyond 2^53 (then the exact bigint path is used).
 */
const numeric = new WeakMap<Value_Ranges, Float64Array | null>();

function endpoints(v: Value_Ranges): Float64Array | null {
  let out = numeric.get(v);
  if (out === undefined) {
    out = new Float64Array(v.range.length * 2);
    for (let i = 0; i < v.range.length; i++) {
      const r = v.range[i]!;
      if (r.end > 9007199254740991n) {
        out = null;
        break;
      }
      out[2 * i] = Number(r.begin);
      out[2 * i + 1] = Number(r.end);
    }
    numeric.set(v, out);
  }
  return out;
}

/** Number of values (ranges) or items (sets): how Mesos counts non-scalars as quantities. */
export function countOf(v: NonScalar): number {
  if (isRanges(v)) {
    const e = endpoints(v);
    let n = 0;
    if (e) for (let i = 0; i < e.length; i += 2) n += e[i + 1]! - e[i]! + 1;
    else for (const r of v.range) n += Number(r.end - r.begin) + 1;
    return n;
  }
  return v.item.length;
}

export function isEmptyValue(v: NonScalar): boolean {
  return isRanges(v) ? v.range.length === 0 : v.item.length === 0;
}

function emptyLike(v: NonScalar): NonScalar {
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
    const o2 = endpoints(outer);
    const i2 = endpoints(inner as Value_Ranges);
    if (o2 && i2) {
      let j = 0;
      for (let i = 0; i < i2.length; i += 2) {
        const begin = i2[i]!;
        while (j < o2.length && o2[j + 1]! < begin) j += 2;
        if (j === o2.length || o2[j]! > begin || o2[j + 1]! < i2[i + 1]!) return false;
      }
      return true;
    }
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
