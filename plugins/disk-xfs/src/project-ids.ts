/**
 * The XFS project ids the isolator hands out (`--xfs_project_range`): the lowest free id first, as
 * Mesos does. Ids found in use at recovery are taken; an id comes back only when the isolator
 * reclaims it, and only if it is still in the configured range (the operator may have changed it).
 */
import { countRanges, formatRanges, type Interval, parseRanges, subtractRanges, addRanges } from "@mesos/core";

/** prid_t is 32 bits; 0 means "no project". */
const MAX_PROJECT_ID = 0xffff_ffffn;

/** Parses and checks `--xfs_project_range`; the messages are Mesos's, with what to do. */
export function parseProjectRange(text: string): Interval[] {
  let ranges: Interval[];
  try {
    ranges = parseRanges(text);
  } catch (e) {
    throw new Error(`Failed to parse XFS project range '${text}': ${(e as Error).message}`);
  }
  for (const r of ranges) {
    if (r.end > MAX_PROJECT_ID) throw new Error(`Project ID ${r.end} is out of range (XFS project IDs are 32-bit) in --xfs_project_range=${text}`);
  }
  if (ranges.some((r) => r.begin === 0n)) throw new Error(`XFS project ID range contains illegal 0 value (--xfs_project_range=${text})`);
  if (ranges.length === 0) throw new Error(`XFS project range '${text}' holds no IDs`);
  return ranges;
}

export interface ProjectIds {
  /** The configured range, as Mesos prints it, e.g. `[5000-10000]`. */
  readonly range: string;
  readonly total: number;
  free(): number;
  /** Takes the lowest free id, or undefined if none is left. */
  next(): number | undefined;
  /** Marks an id found in use (recovery); ids outside the range are only remembered by the caller. */
  take(id: number): void;
  /** Gives an id back, if it belongs to the range. */
  release(id: number): void;
  inRange(id: number): boolean;
}

export function createProjectIds(ranges: readonly Interval[]): ProjectIds {
  const total = ranges.map((r) => ({ ...r }));
  let free: Interval[] = total.map((r) => ({ ...r }));
  const single = (id: number): Interval[] => [{ begin: BigInt(id), end: BigInt(id) }];
  const inRange = (id: number) => total.some((r) => r.begin <= BigInt(id) && BigInt(id) <= r.end);
  return {
    range: formatRanges(total),
    total: countRanges(total),
    free: () => countRanges(free),
    next() {
      const first = free[0];
      if (!first) return undefined;
      const id = Number(first.begin);
      free = subtractRanges(free, single(id));
      return id;
    },
    take(id) {
      free = subtractRanges(free, single(id));
    },
    release(id) {
      if (inRange(id)) free = addRanges(free, single(id));
    },
    inRange,
  };
}
