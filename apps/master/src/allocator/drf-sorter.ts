/**
 * Dominant Resource Fairness (Mesos's DRFSorter): a node's share is the largest fraction of any
 * cluster total it holds, divided by its weight; siblings are ordered by share, then by how many
 * allocations they have received, then by path, and the walk is pre-order over that ordering.
 * Each node's live children stay sorted; a changed node is moved by binary search (O(log n) to
 * find, one memmove to shift) instead of re-sorting, and totals changes re-sort once, lazily.
 */
import type { TreeHooks, TreeNode } from "./role-tree.ts";
import type { QVec } from "./quantity-vector.ts";
import { type ShareBasis, type SorterDeps, TreeSorter } from "./sorter.ts";

function before<T>(a: TreeNode<T>, b: TreeNode<T>): boolean {
  if (a.share !== b.share) return a.share < b.share;
  if (a.keyCount !== b.keyCount) return a.keyCount < b.keyCount;
  return a.rank < b.rank;
}

/** First index whose node does not sort before `node`. */
function lowerBound<T>(list: TreeNode<T>[], node: TreeNode<T>): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(list[mid]!, node)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function shareOf(alloc: QVec, weight: number, basis: ShareBasis): number {
  const total = basis.total;
  const excluded = basis.excluded;
  let share = 0;
  for (let i = 0; i < total.length; i++) {
    const t = total[i]!;
    if (t > 0 && excluded[i] === 0) {
      const s = alloc[i]! / t;
      if (s > share) share = s;
    }
  }
  return share / weight;
}

export class DrfSorter<T> extends TreeSorter<T> {
  private epoch = -1;

  constructor(deps: SorterDeps) {
    const basis = deps.basis;
    const hooks: TreeHooks<T> = {
      insertLive(parent, node) {
        parent.live.splice(lowerBound(parent.live, node), 0, node);
      },
      removeLive(parent, node) {
        const list = parent.live;
        let i = lowerBound(list, node);
        if (list[i] !== node) i = list.indexOf(node);
        if (i !== -1) list.splice(i, 1);
      },
      computeKey(node) {
        const share = shareOf(node.alloc, node.weight, basis);
        node.nextShare = share;
        node.nextCount = node.count;
        return share !== node.share || node.count !== node.keyCount;
      },
    };
    super(deps, hooks);
  }

  invalidate(): void {
    this.epoch = -1;
  }

  forEach(visit: (client: T) => boolean): boolean {
    if (this.epoch !== this.deps.basis.epoch) {
      this.tree.rebuild((list) => list.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)));
      this.epoch = this.deps.basis.epoch;
    } else {
      this.tree.flush();
    }
    return walk(this.tree.root, visit);
  }
}

function walk<T>(node: TreeNode<T>, visit: (client: T) => boolean): boolean {
  const live = node.live;
  for (let i = 0; i < live.length; i++) {
    const child = live[i]!;
    if (child.client !== null) {
      if (!visit(child.client)) return false;
    } else if (!walk(child, visit)) {
      return false;
    }
  }
  return true;
}
