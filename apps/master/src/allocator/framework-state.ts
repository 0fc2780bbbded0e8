/**
 * Frameworks as the allocator tracks them. A framework has one FrameworkRole per role it is
 * subscribed to or still holds resources in (a role removed by updateFramework stays tracked,
 * inactive, until its resources come back, as in Mesos). The FrameworkRole is the client of the
 * role's framework sorter and owns the offer filters and the minimum offer size for that role.
 */
import type { AllocatorFramework } from "./allocator.ts";
import { AGENT_HAS_GPUS, AGENT_IS_REMOTE, AGENT_NOT_MULTI_ROLE } from "./agent-state.ts";
import type { OfferFilter } from "./filters.ts";
import type { MinRule } from "./min-allocatable.ts";
import type { RoleState } from "./role-state.ts";
import type { TreeNode } from "./role-tree.ts";

/** Capabilities that change which resources of an agent a framework can take. */
export const CAP_REVOCABLE = 1;
export const CAP_REFINEMENT = 2;
export const CAP_SHARED = 4;

export class FrameworkState {
  active = false;
  /** False for a framework only known from an agent's `used` resources (not yet added). */
  known = true;
  readonly roles = new Set<string>();
  readonly suppressed = new Set<string>();
  readonly byRole = new Map<string, FrameworkRole>();
  /** CAP_* bits. */
  capabilityMask = 0;
  /** AGENT_* bits of agents this framework must not be offered. */
  excludedAgents = 0;

  constructor(
    readonly id: string,
    public info: AllocatorFramework | null,
  ) {}

  setInfo(info: AllocatorFramework, filterGpuResources: boolean): void {
    this.info = info;
    const caps = info.capabilities;
    this.capabilityMask =
      (caps.revocableResources ? CAP_REVOCABLE : 0) | (caps.reservationRefinement ? CAP_REFINEMENT : 0) | (caps.sharedResources ? CAP_SHARED : 0);
    this.excludedAgents =
      (filterGpuResources && !caps.gpuResources ? AGENT_HAS_GPUS : 0) |
      (caps.regionAware ? 0 : AGENT_IS_REMOTE) |
      (caps.multiRole ? AGENT_NOT_MULTI_ROLE : 0);
    this.roles.clear();
    for (const role of info.roles) this.roles.add(role);
    this.suppressed.clear();
    for (const role of info.suppressedRoles) this.suppressed.add(role);
  }

  /** Whether the framework's FrameworkRole for `role` should be active in the role's sorter. */
  wantsOffers(role: string): boolean {
    return this.known && this.active && this.roles.has(role) && !this.suppressed.has(role);
  }
}

export class FrameworkRole {
  leaf: TreeNode<FrameworkRole> | null = null;
  /** Agents where this FrameworkRole holds something (the Holding lives in `agent.holdings`). */
  holdingCount = 0;
  /** This FrameworkRole's refusal filters (they live on the agents; this list is for clearing). */
  filters: OfferFilter[] | null = null;
  minRule: MinRule;

  constructor(
    readonly framework: FrameworkState,
    readonly role: RoleState,
    minRule: MinRule,
  ) {
    this.minRule = minRule;
  }
}
