/**
 * Everything the allocator knows, in one place: agents, frameworks, tracked roles, top-level roles
 * (quota, reservations), the sorters and the headroom, plus the bookkeeping that keeps them
 * consistent as frameworks subscribe, leave, get activated or suppressed.
 */
import { topLevelRole } from "@mesos/core";
import type { Allocation, AllocatorOptions } from "./allocator.ts";
import type { AgentState } from "./agent-state.ts";
import { Candidate, type CandidateContext } from "./candidate.ts";
import { DrfSorter } from "./drf-sorter.ts";
import { type FrameworkRole, type FrameworkState, FrameworkRole as FrameworkRoleClass } from "./framework-state.ts";
import { compileMinRule, type MinRule } from "./min-allocatable.ts";
import { OfferBuilder } from "./offer-builder.ts";
import { growVector, NameTable, type QVec } from "./quantity-vector.ts";
import { Headroom, TopRole } from "./quota.ts";
import { RandomSorter } from "./random-sorter.ts";
import { KindTable } from "./resource-kinds.ts";
import { RoleState } from "./role-state.ts";
import type { ShareBasis, Sorter, SorterDeps } from "./sorter.ts";

export class AllocatorState implements CandidateContext {
  readonly names = new NameTable();
  readonly kinds = new KindTable(this.names);
  readonly random: () => number;
  /** Cluster totals (role and framework sorters) and non-revocable totals (quota sorter). */
  readonly basis: ShareBasis;
  readonly quotaBasis: ShareBasis;
  readonly roleSorter: Sorter<RoleState>;
  readonly quotaSorter: Sorter<RoleState>;
  readonly frameworks = new Map<string, FrameworkState>();
  readonly roles = new Map<string, RoleState>();
  readonly tops = new Map<string, TopRole>();
  readonly agents = new Map<string, AgentState>();
  readonly activeAgents: AgentState[] = [];
  readonly headroom: Headroom;
  readonly weights = new Map<string, number>();
  readonly globalRule: MinRule;
  readonly offers: OfferBuilder;
  readonly candidate = new Candidate();
  readonly filterGpuResources: boolean;

  /** Allocation cycles run so far. */
  cycle = 0;
  /** Bumped by every allocation: a candidate computed before it is stale. */
  seq = 0;
  out: Allocation[] = [];
  lastSweep = 0;

  /** Scratch vectors for one allocation's deltas. */
  delta: QVec;
  frameworkDelta: QVec;
  nonRevocableDelta: QVec;
  unreservedDelta: QVec;
  scratchA: QVec;
  scratchB: QVec;

  constructor(readonly options: AllocatorOptions) {
    this.random = options.random ?? Math.random;
    this.filterGpuResources = options.filterGpuResources ?? true;
    const excluded = new Uint8Array(this.names.capacity);
    this.basis = { total: this.names.vector(), excluded, epoch: 0 };
    this.quotaBasis = { total: this.names.vector(), excluded, epoch: 0 };
    this.headroom = new Headroom(this.names);
    this.delta = this.names.vector();
    this.frameworkDelta = this.names.vector();
    this.nonRevocableDelta = this.names.vector();
    this.unreservedDelta = this.names.vector();
    this.scratchA = this.names.vector();
    this.scratchB = this.names.vector();
    const weightOf = (path: string) => this.weights.get(path) ?? 1;
    this.roleSorter = this.newSorter(options.roleSorter, this.basis, weightOf);
    this.quotaSorter = this.newSorter(options.roleSorter, this.quotaBasis, weightOf);
    this.offers = new OfferBuilder(this.kinds);
    this.names.onGrow = () => this.growVectors();
    for (const name of options.fairSharingExcludedResourceNames ?? []) this.basis.excluded[this.names.id(name)] = 1;
    this.globalRule = compileMinRule(options.minAllocatable, this.names);
  }

  newSorter<T>(kind: "drf" | "random", basis: ShareBasis, weightOf: (path: string) => number): Sorter<T> {
    const deps: SorterDeps = { basis, newVector: () => this.names.vector(), weightOf, random: this.random };
    return kind === "random" ? new RandomSorter<T>(deps) : new DrfSorter<T>(deps);
  }

  top(name: string): TopRole {
    let top = this.tops.get(name);
    if (!top) {
      top = new TopRole(name, this.names);
      this.tops.set(name, top);
    }
    return top;
  }

  /** The FrameworkRole of `fw` in `role`, tracking the role first if needed. */
  track(fw: FrameworkState, roleName: string): FrameworkRole {
    const existing = fw.byRole.get(roleName);
    if (existing) return existing;
    let role = this.roles.get(roleName);
    if (!role) {
      const top = this.top(topLevelRole(roleName));
      const sorter = this.newSorter<FrameworkRole>(this.options.frameworkSorter, this.basis, () => 1);
      role = new RoleState(roleName, top, sorter, this.names.vector());
      role.leaf = this.roleSorter.add(roleName, role);
      this.roles.set(roleName, role);
      if (top.name === roleName) {
        top.role = role;
        if (top.quota) this.addQuotaLeaf(role);
      }
    }
    const fr = new FrameworkRoleClass(fw, role, this.ruleFor(fw, roleName));
    fr.leaf = role.frameworkSorter.add(fw.id, fr);
    role.frameworks.add(fr);
    fw.byRole.set(roleName, fr);
    this.refreshActivation(fr);
    return fr;
  }

  /** Stops tracking a FrameworkRole (it must hold nothing); drops the role when it was the last. */
  untrack(fr: FrameworkRole): void {
    const role = fr.role;
    if (fr.leaf!.active) {
      role.activeFrameworks--;
      this.roleSorter.setActive(role.leaf, role.activeFrameworks > 0);
    }
    role.frameworkSorter.remove(fr.leaf!);
    role.frameworks.delete(fr);
    fr.framework.byRole.delete(role.name);
    if (role.frameworks.size === 0) {
      this.roleSorter.remove(role.leaf);
      this.removeQuotaLeaf(role);
      this.roles.delete(role.name);
      if (role.top.role === role) role.top.role = null;
    } else {
      this.refreshQuotaLeaf(role);
    }
  }

  /** Untracks a FrameworkRole the framework left that holds nothing any more. */
  untrackIfDone(fr: FrameworkRole): void {
    if (fr.holdings.size === 0 && (!fr.framework.roles.has(fr.role.name) || !fr.framework.known)) this.untrack(fr);
  }

  /** Brings the framework's sorter leaf (and the role's) in line with whether it wants offers. */
  refreshActivation(fr: FrameworkRole): void {
    const want = fr.framework.wantsOffers(fr.role.name);
    const leaf = fr.leaf!;
    if (leaf.active === want) return;
    const role = fr.role;
    role.frameworkSorter.setActive(leaf, want);
    role.activeFrameworks += want ? 1 : -1;
    // A role none of whose frameworks wants offers cannot be offered anything: skip it entirely.
    this.roleSorter.setActive(role.leaf, role.activeFrameworks > 0);
    this.refreshQuotaLeaf(role);
  }

  ruleFor(fw: FrameworkState, role: string): MinRule {
    const override = fw.info?.minAllocatable.get(role);
    return override ? compileMinRule(override, this.names) : this.globalRule;
  }

  addQuotaLeaf(role: RoleState): void {
    if (role.quotaLeaf) return;
    role.quotaLeaf = this.quotaSorter.add(role.name, role);
    role.quotaLeaf.alloc.set(role.allocationNonRevocable);
    role.quotaLeaf.count = role.leaf.count;
    this.refreshQuotaLeaf(role);
  }

  removeQuotaLeaf(role: RoleState): void {
    if (!role.quotaLeaf) return;
    this.quotaSorter.remove(role.quotaLeaf);
    role.quotaLeaf = null;
  }

  /** A quota role is walked in stage 1 only while it can get something there. */
  refreshQuotaLeaf(role: RoleState): void {
    const leaf = role.quotaLeaf;
    if (!leaf) return;
    const q = role.top.quota;
    const useful = q !== null && role.activeFrameworks > 0 && (q.unmetAny || role.top.ownReserved > 0);
    this.quotaSorter.setActive(leaf, useful);
  }

  /** Re-sizes every vector after a new resource name outgrew the capacity. */
  growVectors(): void {
    const cap = this.names.capacity;
    const excluded = new Uint8Array(cap);
    excluded.set(this.basis.excluded);
    this.basis.excluded = excluded;
    this.quotaBasis.excluded = excluded;
    this.basis.total = growVector(this.basis.total, cap);
    this.quotaBasis.total = growVector(this.quotaBasis.total, cap);
    this.headroom.free = growVector(this.headroom.free, cap);
    this.headroom.required = growVector(this.headroom.required, cap);
    for (const key of ["delta", "frameworkDelta", "nonRevocableDelta", "unreservedDelta", "scratchA", "scratchB"] as const) {
      this[key] = growVector(this[key], cap);
    }
    for (const top of this.tops.values()) {
      top.reserved = growVector(top.reserved, cap);
      top.allocatedUnreserved = growVector(top.allocatedUnreserved, cap);
      top.consumed = growVector(top.consumed, cap);
      const q = top.quota;
      if (q) {
        q.guarantees = growVector(q.guarantees, cap);
        q.limits = growVector(q.limits, cap, Infinity);
        q.unmet = growVector(q.unmet, cap);
      }
    }
    const sorters: Sorter<unknown>[] = [this.roleSorter, this.quotaSorter];
    for (const role of this.roles.values()) {
      role.allocationNonRevocable = growVector(role.allocationNonRevocable, cap);
      sorters.push(role.frameworkSorter);
    }
    for (const sorter of sorters) for (const node of sorter.nodes()) node.alloc = growVector(node.alloc, cap);
    this.basis.epoch++;
    this.quotaBasis.epoch++;
  }
}
