/**
 * A sorter orders clients (roles, or a role's frameworks) for the allocation loop. Mesos has two:
 * DRF (drf-sorter.ts) and weighted random (random-sorter.ts). Both keep per-node allocation vectors
 * in a RoleTree and only re-place what changed; `forEach` walks the active clients in order.
 */
import type { QVec } from "./quantity-vector.ts";
import { RoleTree, type TreeHooks, type TreeNode } from "./role-tree.ts";

/** The totals shares divide by, shared by every sorter that uses them; `epoch` bumps on change. */
export interface ShareBasis {
  total: QVec;
  /** 1 for names left out of fair sharing (`--fair_sharing_excluded_resource_names`). */
  excluded: Uint8Array;
  epoch: number;
}

export interface Sorter<T> {
  /** Adds an inactive client at `path`. */
  add(path: string, client: T): TreeNode<T>;
  remove(leaf: TreeNode<T>): void;
  setActive(leaf: TreeNode<T>, active: boolean): void;
  /** Adds `delta` (its first `n` names) to the client's allocation; `countIt` counts one more allocation (tie-breaker). */
  allocated(leaf: TreeNode<T>, delta: QVec, n: number, countIt: boolean): void;
  unallocated(leaf: TreeNode<T>, delta: QVec, n: number): void;
  /** Walks the active clients in order; stops (and returns false) when `visit` returns false. */
  forEach(visit: (client: T) => boolean): boolean;
  /** Weights changed: re-read them and re-place everything on the next walk. */
  invalidate(): void;
  /** Every node, for re-sizing vectors. */
  nodes(): Iterable<TreeNode<T>>;
}

export interface SorterDeps {
  basis: ShareBasis;
  newVector: () => QVec;
  weightOf: (path: string) => number;
  random: () => number;
}

/**
 * What both sorters share: the tree and the bookkeeping that flows into it. A sorter decides how
 * siblings are ordered (its TreeHooks) and how the walk goes (`forEach`).
 */
export abstract class TreeSorter<T> implements Sorter<T> {
  protected readonly tree: RoleTree<T>;

  constructor(
    protected readonly deps: SorterDeps,
    hooks: TreeHooks<T>,
  ) {
    this.tree = new RoleTree<T>(deps.newVector, deps.weightOf, hooks);
  }

  add(path: string, client: T): TreeNode<T> {
    return this.tree.add(path, client);
  }

  remove(leaf: TreeNode<T>): void {
    this.tree.remove(leaf);
  }

  setActive(leaf: TreeNode<T>, active: boolean): void {
    this.tree.setActive(leaf, active);
  }

  allocated(leaf: TreeNode<T>, delta: QVec, n: number, countIt: boolean): void {
    this.tree.propagate(leaf, delta, n, 1, countIt);
  }

  unallocated(leaf: TreeNode<T>, delta: QVec, n: number): void {
    this.tree.propagate(leaf, delta, n, -1, false);
  }

  nodes(): Iterable<TreeNode<T>> {
    return [this.tree.root, ...this.tree.nodes];
  }

  abstract forEach(visit: (client: T) => boolean): boolean;
  abstract invalidate(): void;
}
