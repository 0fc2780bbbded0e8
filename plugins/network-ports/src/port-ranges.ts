/**
 * Port ranges as the isolator checks them: sorted, coalesced `[begin, end]` pairs of numbers
 * (ports fit; the protos' uint64 ranges are converted once, when resources arrive).
 */
import { coalesce, formatRanges, type Interval, invalid, parseRanges } from "@mesos/core";
import type { Resource } from "@mesos/proto";

export type PortRanges = readonly (readonly [number, number])[];

export function fromIntervals(intervals: readonly Interval[], what: string): PortRanges {
  return coalesce(intervals).map((i) => {
    if (i.end > 65535n) throw invalid(`${what}: port ${i.end} is not in 0-65535`);
    return [Number(i.begin), Number(i.end)] as const;
  });
}

/** The union of every `ports` resource's ranges (any role or reservation). */
export function portsOf(resources: readonly Resource[]): PortRanges {
  const intervals = resources.filter((r) => r.name === "ports").flatMap((r) => r.ranges?.range ?? []);
  return fromIntervals(intervals, "ports resource");
}

/** `[31000-32000, 33000-33010]`; throws with `what` and the reason. */
export function parsePortRanges(text: string, what: string): PortRanges {
  let intervals: Interval[];
  try {
    intervals = parseRanges(text);
  } catch (e) {
    throw invalid(`${what}: ${(e as Error).message}`, e);
  }
  return fromIntervals(intervals, what);
}

export function inRanges(ranges: PortRanges, port: number): boolean {
  for (const [begin, end] of ranges) {
    if (port < begin) return false;
    if (port <= end) return true;
  }
  return false;
}

/** Single ports as coalesced intervals, e.g. for a limitation's `ports` resource. */
export function toIntervals(ports: Iterable<number>): Interval[] {
  return coalesce([...ports].map((p) => ({ begin: BigInt(p), end: BigInt(p) })));
}

/** As Mesos prints ranges: `[31005-31005, 31010-31011]`. */
export function formatPortRanges(ranges: PortRanges): string {
  return formatRanges(ranges.map(([b, e]) => ({ begin: BigInt(b), end: BigInt(e) })));
}
