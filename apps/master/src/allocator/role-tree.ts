/**
 * The tree a sorter orders: one node per `/`-separated path component, clients at the leaves
 * (Mesos's sorter Node). A client whose path is also an ancestor of other clients lives in a virtual
 * `.` leaf under its internal node. Internal nodes carry the sum of their subtree's allocation.
 *
 * Each node keeps its children split in two: `live` (subtrees with at least one active leaf, in
 * the sorter's order) and `idle` (the rest, unordered). Changes (allocation, activation) only mark
 * nodes dirty; `flush()` re-places the dirty nodes before the next walk. That is both what makes
 * sorting incremental and what gives Mesos's per-agent snapshot semantics: an order taken at the
 * start of a walk does not move while the walk allocates.
 */
import type { QVec } from "./quantity-vector.ts";

export class TreeNode<T> {
  readonly children = new Map<string, TreeNode<T>>();
  live: TreeNode<T>[] = [];
  idle: TreeNode<T>[] = [];
  /** Placed in the parent's `live` list (else in `idle`). */
  inLive = false;
  active = false;
  dirty = false;
  count = 0;
  weight = 1;
  /** The order key as of the last placement (DRF share and allocation count)... */
  share = 0;
  keyCount = 0;
  /** ...and as computed now, committed when the node is re-placed. */
  nextShare = 0;
  nextCount = 0;
  /** Position of `path` among the siblings' paths: the last tie-breaker, as a number. */
  rank = 0;

  constructor(
    public name: string,
    public path: string,
    public parent: TreeNode<T> | null,
    public client: T | null,
    public alloc: QVec,
  ) {}

  get isLeaf(): boolean {
    return this.client !== null;
  }

  /** Whether the node belongs among its parent's live children. */
  get shouldBeLive(): boolean {
    return this.client !== null ? this.active : this.live.length > 0;
  }
}

export interface TreeHooks<T> {
  /** Puts a node that must be live into `parent.live`, in order. */
  insertLive(parent: TreeNode<T>, node: TreeNode<T>): void;
  /** Takes a node out of `parent.live` (found by its stored key). */
  removeLive(parent: TreeNode<T>, node: TreeNode<T>): void;
  /** Computes the node's current key into `nextShare`/`nextCount`; true if it differs from the stored one. */
  computeKey(node: TreeNode<T>): boolean;
}

function commitKey<T>(node: TreeNode<T>): void {
  node.share = node.nextShare;
  node.keyCount = node.nextCount;
}

export class RoleTree<T> {
  readonly root: TreeNode<T>;
  private dirty: TreeNode<T>[] = [];
  /** Parents whose children changed: their ranks are recomputed before the next placement. */
  private unranked = new Set<TreeNode<T>>();
  readonly nodes = new Set<TreeNode<T>>();

  constructor(
    private readonly newVector: () => QVec,
    private readonly weightOf: (path: string) => number,
    private readonly hooks: TreeHooks<T>,
  ) {
    this.root = new TreeNode<T>("", "", null, null, newVector());
  }

  /** Adds an (inactive) client at `path` and returns its leaf. */
  add(path: string, client: T): TreeNode<T> {
    const parts = path.split("/");
    let cur = this.root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      let next = cur.children.get(part);
      if (next?.isLeaf && i < parts.length - 1) next = this.splitLeaf(next);
      if (!next) {
        const last = i === parts.length - 1;
        next = this.newNode(part, cur === this.root ? part : `${cur.path}/${part}`, cur, last ? client : null);
        if (last) return next;
      } else if (i === parts.length - 1) {
        if (next.isLeaf || next.children.has(".")) throw new Error(`Sorter client '${path}' already exists`);
        return this.newNode(".", `${next.path}/.`, next, client);
      }
      cur = next;
    }
    throw new Error(`Bad sorter path '${path}'`);
  }

  /** Removes a leaf (and internal nodes left without children). */
  remove(leaf: TreeNode<T>): void {
    this.propagate(leaf, leaf.alloc.slice(), leaf.alloc.length, -1, false);
    let node: TreeNode<T> | null = leaf;
    while (node && node !== this.root && node.children.size === 0) {
      const parent: TreeNode<T> = node.parent!;
      if (node.inLive) this.hooks.removeLive(parent, node);
      else removeIdle(parent, node);
      parent.children.delete(node.name);
      this.nodes.delete(node);
      node.parent = null;
      node = parent;
    }
    if (node && node !== this.root) this.markDirty(node);
  }

  setActive(leaf: TreeNode<T>, active: boolean): void {
    if (leaf.active === active) return;
    leaf.active = active;
    this.markDirty(leaf);
  }

  /** Adds (sign 1) or removes (sign -1) `delta` on the leaf and every ancestor. */
  propagate(leaf: TreeNode<T>, delta: QVec, n: number, sign: number, countIt: boolean): void {
    for (let node: TreeNode<T> | null = leaf; node !== null && node !== this.root; node = node.parent) {
      const a = node.alloc;
      if (sign > 0) for (let i = 0; i < n; i++) a[i] += delta[i]!;
      else for (let i = 0; i < n; i++) a[i] -= delta[i]!;
      if (countIt) node.count++;
      if (!node.dirty) this.markDirty(node);
    }
  }

  markDirty(node: TreeNode<T>): void {
    if (node.dirty || node === this.root) return;
    node.dirty = true;
    this.dirty.push(node);
  }

  /** Re-places dirty nodes. Each placement keeps every `live` list ordered by stored keys. */
  flush(): void {
    this.rank();
    const dirty = this.dirty;
    while (dirty.length > 0) {
      const node = dirty.pop()!;
      node.dirty = false;
      const parent = node.parent;
      if (!parent) continue; // removed meanwhile
      const live = node.shouldBeLive;
      const changed = this.hooks.computeKey(node);
      if (node.inLive) {
        if (live && !changed) continue;
        this.hooks.removeLive(parent, node);
      } else {
        commitKey(node);
        if (!live) continue;
        removeIdle(parent, node);
      }
      commitKey(node);
      if (live) {
        this.hooks.insertLive(parent, node);
        node.inLive = true;
      } else {
        parent.idle.push(node);
        node.inLive = false;
      }
      if (parent !== this.root && parent.shouldBeLive !== parent.inLive) this.markDirty(parent);
    }
  }

  /** Re-reads every weight and re-places every node (after totals or weights changed). */
  rebuild(sort: (list: TreeNode<T>[]) => void): void {
    this.rank();
    this.dirty.length = 0;
    const visit = (node: TreeNode<T>): void => {
      const live: TreeNode<T>[] = [];
      const idle: TreeNode<T>[] = [];
      for (const child of node.children.values()) {
        child.dirty = false;
        if (!child.isLeaf) visit(child);
        child.weight = child.name === "." ? 1 : this.weightOf(child.path);
        this.hooks.computeKey(child);
        commitKey(child);
        child.inLive = child.shouldBeLive;
        (child.inLive ? live : idle).push(child);
      }
      sort(live);
      node.live = live;
      node.idle = idle;
    };
    visit(this.root);
  }

  /**
   * Ranks follow path order, so comparing ranks orders siblings as comparing paths would; adding a
   * sibling never changes the relative order of the others, so sorted lists stay sorted.
   */
  private rank(): void {
    if (this.unranked.size === 0) return;
    for (const parent of this.unranked) {
      const children = [...parent.children.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (let i = 0; i < children.length; i++) children[i]!.rank = i;
    }
    this.unranked.clear();
  }

  private newNode(name: string, path: string, parent: TreeNode<T>, client: T | null): TreeNode<T> {
    this.unranked.add(parent);
    const node = new TreeNode<T>(name, path, parent, client, this.newVector());
    node.weight = name === "." ? 1 : this.weightOf(path);
    parent.children.set(name, node);
    parent.idle.push(node);
    this.nodes.add(node);
    this.hooks.computeKey(node);
    commitKey(node);
    return node;
  }

  /** A client leaf that gets a child becomes an internal node with the client in a `.` leaf. */
  private splitLeaf(leaf: TreeNode<T>): TreeNode<T> {
    const parent = leaf.parent!;
    const internal = new TreeNode<T>(leaf.name, leaf.path, parent, null, leaf.alloc.slice());
    internal.count = leaf.count;
    internal.weight = leaf.weight;
    internal.share = leaf.share;
    internal.keyCount = leaf.keyCount;
    internal.rank = leaf.rank;
    internal.inLive = leaf.inLive;
    const list = leaf.inLive ? parent.live : parent.idle;
    list[list.indexOf(leaf)] = internal;
    parent.children.set(leaf.name, internal);
    this.nodes.add(internal);

    this.unranked.add(internal);
    leaf.name = ".";
    leaf.path = `${internal.path}/.`;
    leaf.parent = internal;
    leaf.weight = 1;
    internal.children.set(".", leaf);
    (leaf.inLive ? internal.live : internal.idle).push(leaf);
    this.hooks.computeKey(leaf);
    commitKey(leaf);
    this.markDirty(leaf);
    this.markDirty(internal);
    return internal;
  }
}

function removeIdle<T>(parent: TreeNode<T>, node: TreeNode<T>): void {
  const list = parent.idle;
  const i = list.indexOf(node);
  if (i === -1) return;
  list[i] = list[list.length - 1]!;
  list.pop();
}
