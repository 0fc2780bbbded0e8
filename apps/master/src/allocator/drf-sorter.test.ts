import { describe, expect, test } from "bun:test";
import { DrfSorter, shareOf } from "./drf-sorter.ts";
import type { TreeNode } from "./role-tree.ts";
import type { ShareBasis } from "./sorter.ts";
import { seededRandom } from "./test-helpers.ts";

function basisOf(total: number[]): ShareBasis {
  const t = new Float64Array(8);
  t.set(total);
  return { total: t, excluded: new Uint8Array(8), epoch: 1 };
}

function sorter(basis: ShareBasis, weights = new Map<string, number>()) {
  return new DrfSorter<string>({ basis, newVector: () => new Float64Array(8), weightOf: (p) => weights.get(p) ?? 1, random: Math.random });
}

function order(s: DrfSorter<string>): string[] {
  const out: string[] = [];
  s.forEach((c) => (out.push(c), true));
  return out;
}

function vec(values: number[]): Float64Array {
  const v = new Float64Array(8);
  v.set(values);
  return v;
}

describe("DrfSorter", () => {
  test("orders by share, then allocation count, then name", () => {
    const s = sorter(basisOf([10_000, 100_000]));
    const leaves = new Map<string, TreeNode<string>>();
    for (const name of ["c", "a", "b", "d"]) {
      leaves.set(name, s.add(name, name));
      s.setActive(leaves.get(name)!, true);
    }
    expect(order(s)).toEqual(["a", "b", "c", "d"]);
    s.allocated(leaves.get("a")!, vec([1000, 0]), 8, true); // 10% cpus
    s.allocated(leaves.get("b")!, vec([0, 10_000]), 8, true); // 10% mem: same share as a
    s.allocated(leaves.get("c")!, vec([0, 0]), 8, true); // one allocation, zero share
    expect(order(s)).toEqual(["d", "c", "a", "b"]);
    s.allocated(leaves.get("a")!, vec([0, 0]), 8, true); // a now has 2 allocations
    expect(order(s)).toEqual(["d", "c", "b", "a"]);
  });

  test("weights divide shares; hierarchy sorts each level; '.' holds a role's own allocation", () => {
    const weights = new Map([["b", 2]]);
    const s = sorter(basisOf([100_000]), weights);
    const a = s.add("a", "a");
    const ab = s.add("a/b", "a/b");
    const b = s.add("b", "b");
    for (const leaf of [a, ab, b]) s.setActive(leaf, true);
    s.allocated(a, vec([10_000]), 8, true); // a subtree: 10%
    s.allocated(b, vec([15_000]), 8, true); // b: 15% / 2 = 7.5%
    expect(order(s)).toEqual(["b", "a/b", "a"]);
    s.allocated(ab, vec([20_000]), 8, true); // a/b: 20% > a/.: 10%
    expect(order(s)).toEqual(["b", "a", "a/b"]);
    expect(shareOf(a.alloc, 1, basisOf([100_000]))).toBeCloseTo(0.1);
  });

  test("matches a brute-force sort over random operations", () => {
    const random = seededRandom(7);
    const basis = basisOf([50_000, 400_000, 9_000]);
    const weights = new Map([
      ["x", 3],
      ["y/z", 0.5],
    ]);
    const s = sorter(basis, weights);
    const paths = ["x", "y", "y/z", "y/w", "x/q/r", "x/q", "z", "w/v"];
    const alloc = new Map<string, number[]>();
    const count = new Map<string, number>();
    const active = new Map<string, boolean>();
    const leaves = new Map<string, TreeNode<string>>();
    for (const p of paths) {
      leaves.set(p, s.add(p, p));
      alloc.set(p, [0, 0, 0]);
      count.set(p, 0);
      active.set(p, false);
    }
    // Reference: the Mesos algorithm, computed from scratch.
    const reference = (): string[] => {
      const subtree = (prefix: string) => paths.filter((p) => p === prefix || p.startsWith(`${prefix}/`));
      const key = (path: string, isClientLeaf: boolean) => {
        const members = isClientLeaf ? [path] : subtree(path);
        const a = [0, 1, 2].map((i) => members.reduce((n, m) => n + alloc.get(m)![i]!, 0));
        const c = members.reduce((n, m) => n + count.get(m)!, 0);
        const share =
          Math.max(...a.map((x, i) => x / basis.total[i]!)) /
          (isClientLeaf && paths.some((p) => p.startsWith(`${path}/`)) ? 1 : (weights.get(path) ?? 1));
        return { share, c };
      };
      const walk = (prefix: string): string[] => {
        const depth = prefix === "" ? 0 : prefix.split("/").length;
        const children = new Set<string>();
        for (const p of paths) {
          if (prefix !== "" && !p.startsWith(`${prefix}/`)) continue;
          const parts = p.split("/");
          if (parts.length > depth) children.add(parts.slice(0, depth + 1).join("/"));
        }
        const items: { path: string; sortPath: string; leaf: boolean }[] = [];
        if (prefix !== "" && paths.includes(prefix)) items.push({ path: prefix, sortPath: `${prefix}/.`, leaf: true });
        for (const child of children) {
          const internal = paths.some((p) => p.startsWith(`${child}/`));
          items.push({ path: child, sortPath: child, leaf: !internal });
        }
        const live = items.filter((it) => (it.leaf ? active.get(it.path) : subtree(it.path).some((p) => active.get(p))));
        const keyed = live.map((it) => ({ ...it, ...key(it.path, it.leaf) }));
        keyed.sort((l, r) => l.share - r.share || l.c - r.c || (l.sortPath < r.sortPath ? -1 : 1));
        return keyed.flatMap((it) => (it.leaf ? [it.path] : walk(it.path)));
      };
      return walk("");
    };
    for (let step = 0; step < 3000; step++) {
      const p = paths[Math.floor(random() * paths.length)]!;
      const op = random();
      if (op < 0.2) {
        active.set(p, !active.get(p));
        s.setActive(leaves.get(p)!, active.get(p)!);
      } else if (op < 0.7) {
        const d = [Math.floor(random() * 3) * 1000, Math.floor(random() * 3) * 8000, Math.floor(random() * 2) * 100];
        const a = alloc.get(p)!;
        a.forEach((x, i) => (a[i] = x + d[i]!));
        count.set(p, count.get(p)! + 1);
        s.allocated(leaves.get(p)!, vec(d), 8, true);
      } else {
        const a = alloc.get(p)!;
        const d = a.map((x) => Math.floor(x / 2));
        a.forEach((x, i) => (a[i] = x - d[i]!));
        s.unallocated(leaves.get(p)!, vec(d), 8);
      }
      if (step % 3 === 0) expect(order(s)).toEqual(reference());
    }
  });
});
