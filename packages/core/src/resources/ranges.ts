/**
 * Ranges of unsigned 64-bit integers (ports, mostly), kept as sorted, non-overlapping, coalesced
 * `[begin, end]` pairs. `bigint` keeps uint64 values exact, as the protos carry them.
 */
export interface Interval {
  begin: bigint;
  end: bigint;
}

/** Sorts and merges overlapping or adjacent intervals: [1-3,4-5,10-12,11-20] -> [1-5,10-20]. */
export function coalesce(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .filter((i) => i.begin <= i.end)
    .map((i) => ({ begin: i.begin, end: i.end }))
    .sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : 0));
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.begin <= last.end + 1n) {
      if (i.end > last.end) last.end = i.end;
    } else {
      out.push(i);
    }
  }
  return out;
}

export function addRanges(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return coalesce([...a, ...b]);
}

/** a minus b, both coalesced. */
export function subtractRanges(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  let result = coalesce(a);
  for (const cut of coalesce(b)) {
    const next: Interval[] = [];
    for (const i of result) {
      if (cut.end < i.begin || cut.begin > i.end) {
        next.push(i);
        continue;
      }
      if (cut.begin > i.begin) next.push({ begin: i.begin, end: cut.begin - 1n });
      if (cut.end < i.end) next.push({ begin: cut.end + 1n, end: i.end });
    }
    result = next;
  }
  return result;
}

/** Whether every value of `inner` is in `outer` (both coalesced). */
export function rangesContain(outer: readonly Interval[], inner: readonly Interval[]): boolean {
  for (const i of inner) {
    if (!outer.some((o) => o.begin <= i.begin && i.end <= o.end)) return false;
  }
  return true;
}

/** The number of values, which is how Mesos counts a ranges resource as a quantity. */
export function countRanges(intervals: readonly Interval[]): number {
  let n = 0n;
  for (const i of intervals) n += i.end - i.begin + 1n;
  return Number(n);
}

export function formatRanges(intervals: readonly Interval[]): string {
  return `[${intervals.map((i) => `${i.begin}-${i.end}`).join(", ")}]`;
}

/** Parses `[31000-32000, 33000-33010]`; the message names the bad part. */
export function parseRanges(text: string): Interval[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
    throw new Error(`'${text}' is not a range list (expected e.g. [31000-32000])`);
  }
  const body = trimmed.slice(1, -1).trim();
  if (body === "") return [];
  return coalesce(
    body.split(",").map((part) => {
      const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
      if (!m) throw new Error(`'${part.trim()}' in '${text}' is not a range (expected BEGIN-END)`);
      const begin = BigInt(m[1]!);
      const end = BigInt(m[2]!);
      if (begin > end) throw new Error(`range '${part.trim()}' in '${text}' has its begin after its end`);
      if (end > 0xffff_ffff_ffff_ffffn) throw new Error(`range '${part.trim()}' in '${text}' exceeds uint64`);
      return { begin, end };
    }),
  );
}
