/**
 * Dispatch on the syscall number. The number line [0, 2^32) is cut into ranges of equal outcome
 * (neighbouring syscalls with the same decision merge: an allow-list of 300 mostly consecutive
 * calls becomes a few dozen ranges), then a binary decision tree of `jge` picks the range.
 *
 * The tree is optimal for the worst case: it minimizes max over ranges of (depth + the range's
 * own worst path, e.g. an argument check), by an interval DP that uses the monotonicity of the
 * cost to binary-search each split, O(n^2 log n). Above MAX_DP_RANGES it falls back to plain
 * halving, which is within a few instructions of that.
 */
import type { IrBuilder, Node } from "./ir.ts";

export interface Range {
  start: number; // covers [start, next range's start)
  node: Node;
}

export interface Segment {
  start: number; // inclusive
  end: number; // exclusive, <= 2^32
  node: Node;
}

const MAX_DP_RANGES = 1024;

/** Ranges covering [0, 2^32): the segments (sorted, disjoint) and `fill` in the gaps, merged. */
export function toRanges(segments: readonly Segment[], fill: Node): Range[] {
  const ranges: Range[] = [];
  const push = (start: number, node: Node) => {
    if (ranges.length > 0 && ranges[ranges.length - 1]!.node === node) return;
    ranges.push({ start, node });
  };
  let pos = 0;
  for (const s of segments) {
    if (s.start < pos) throw new Error(`overlapping segments at ${s.start}`);
    if (s.start > pos) push(pos, fill);
    push(s.start, s.node);
    pos = s.end;
  }
  if (pos < 2 ** 32) push(pos, fill);
  return ranges;
}

export function searchTree(b: IrBuilder, ranges: readonly Range[]): Node {
  const n = ranges.length;
  if (n === 1) return ranges[0]!.node;
  const build = (split: (i: number, j: number) => number) => {
    const node = (i: number, j: number): Node => {
      if (i === j) return ranges[i]!.node;
      const m = split(i, j);
      return b.jmp("jge", ranges[m]!.start, node(m, j), node(i, m - 1));
    };
    return node(0, n - 1);
  };
  if (n > MAX_DP_RANGES) return build((i, j) => (i + j + 1) >> 1);

  // cost[i][j]: the best worst path for ranges i..j; best[i][j]: the first range of the right half.
  const cost = new Int32Array(n * n);
  const best = new Int32Array(n * n);
  for (let i = 0; i < n; i++) cost[i * n + i] = b.cost(ranges[i]!.node);
  for (let len = 2; len <= n; len++) {
    for (let i = 0; i + len - 1 < n; i++) {
      const j = i + len - 1;
      // left(m) = cost[i][m-1] grows with m, right(m) = cost[m][j] shrinks: find the crossing.
      let lo = i + 1;
      let hi = j;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cost[i * n + mid - 1]! >= cost[mid * n + j]!) hi = mid;
        else lo = mid + 1;
      }
      let bestM = lo;
      let bestC = Math.max(cost[i * n + lo - 1]!, cost[lo * n + j]!);
      if (lo > i + 1) {
        const c = Math.max(cost[i * n + lo - 2]!, cost[(lo - 1) * n + j]!);
        if (c < bestC) (bestC = c), (bestM = lo - 1);
      }
      cost[i * n + j] = bestC + 1;
      best[i * n + j] = bestM;
    }
  }
  return build((i, j) => best[i * n + j]!);
}

/** The comparison strategy: one `jeq` per syscall number, in the given order (for benchmarks). */
export function linearChain(b: IrBuilder, entries: readonly { nr: number; node: Node }[], fallback: Node): Node {
  return entries.reduceRight<Node>((next, e) => b.jmp("jeq", e.nr, e.node, next), fallback);
}
