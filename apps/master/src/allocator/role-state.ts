/**
 * A role the allocator tracks (some framework is subscribed to it or holds resources in it): its
 * leaf in the role sorter, its own framework sorter, its leaf in the quota sorter if it has quota,
 * and its own non-revocable allocation (what the quota sorter counts). `top` is the top-level
 * role whose quota, if any, covers this role's subtree.
 */
import type { FrameworkRole } from "./framework-state.ts";
import type { QVec } from "./quantity-vector.ts";
import type { TopRole } from "./quota.ts";
import type { TreeNode } from "./role-tree.ts";
import type { Sorter } from "./sorter.ts";

export class RoleState {
  readonly frameworks = new Set<FrameworkRole>();
  /** FrameworkRoles active in the framework sorter. */
  activeFrameworks = 0;
  leaf!: TreeNode<RoleState>;
  quotaLeaf: TreeNode<RoleState> | null = null;
  /** Whether the role contains `/` (agents without HIERARCHICAL_ROLE are not offered to it). */
  readonly hierarchical: boolean;

  constructor(
    readonly name: string,
    readonly top: TopRole,
    readonly frameworkSorter: Sorter<FrameworkRole>,
    public allocationNonRevocable: QVec,
  ) {
    this.hierarchical = name.includes("/");
  }

  /** The top-level role itself (the only kind of role quota can be set on). */
  get isTop(): boolean {
    return this.top.name === this.name;
  }
}
