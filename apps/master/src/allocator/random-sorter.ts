/**
 * Mesos's `random` sorter: at every level of the tree the live children are put in a weighted
 * random order each time the sorter is walked (weights by path, as for DRF). Uniform weights use a
 * lazy Fisher-Yates shuffle, so a walk that stops early pays only for what it visited; otherwise
 * Efraimidis-Spirakis keys (u^(1/w)) give the weighted order in one sort.
 */
import type { TreeHooks, TreeNode } from "./role-tree.ts";
import { type SorterDeps, TreeSorter } from "./sorter.ts";

export class RandomSorter<T> extends TreeSorter<T> {
  private stale = true;

  constructor(deps: SorterDeps) {
    const hooks: TreeHooks<T> = {
      insertLive(parent, node) {
        parent.live.push(node);
      },
      removeLive(parent, node) {
        const list = parent.live;
        const i = list.indexOf(node);
        if (i === -1) return;
        list[i] = list[list.length - 1]!;
        list.pop();
      },
      computeKey(node) {
        node.nextCount = node.count;
        return false;
      },
    };
    super(deps, hooks);
  }

  invalidate(): void {
    this.stale = true;
  }

  forEach(visit: (client: T) => boolean): boolean {
    if (this.stale) {
      this.tree.rebuild(() => {});
      this.stale = false;
    } else {
      this.tree.flush();
    }
    return this.walk(this.tree.root, visit);
  }

  private walk(node: TreeNode<T>, visit: (client: T) => boolean): boolean {
    const live = node.live;
    const n = live.length;
    const random = this.deps.random;
    let uniform = true;
    for (let i = 1; i < n && uniform; i++) uniform = live[i]!.weight === live[0]!.weight;
    if (!uniform) {
      const keys = new Map<TreeNode<T>, number>();
      for (const c of live) keys.set(c, random() ** (1 / c.weight));
      live.sort((a, b) => keys.get(b)! - keys.get(a)!);
    }
    for (let i = 0; i < n; i++) {
      if (uniform) {
        const j = i + Math.floor(random() * (n - i));
        const t = live[i]!;
        live[i] = live[j]!;
        live[j] = t;
      }
      const child = live[i]!;
      if (child.client !== null) {
        if (!visit(child.client)) return false;
      } else if (!this.walk(child, visit)) {
        return false;
      }
    }
    return true;
  }
}
