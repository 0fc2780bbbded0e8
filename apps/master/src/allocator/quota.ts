/**
 * Quota and headroom, per top-level role (quota can only be set on those; it covers the subtree).
 *
 *   consumed  = reservations of the subtree (allocated or not) + its unreserved non-revocable allocation
 *   unmet     = max(0, guarantee - consumed)                     (per resource name)
 *   required headroom  = sum of unmet over quota roles
 *   available headroom = unreserved non-revocable resources nobody holds (`free`)
 *
 * All of it is kept up to date incrementally (every allocation, recovery and total change adjusts
 * the vectors of the one top-level role it touches), so a cycle never re-aggregates the cluster.
 * Limits: a name missing from `limits` has no limit. With limits equal to the guarantees (what
 * SET_QUOTA gives) the role is served in stage 1 only, as in Mesos 1.8; limits above the guarantees
 * let it (and, always, its subroles) take part in stage 2 up to the limits.
 */
import type { QuotaConfig } from "./allocator.ts";
import { type NameTable, type QVec, vectorOf } from "./quantity-vector.ts";
import type { RoleState } from "./role-state.ts";

export class QuotaState {
  guarantees: QVec;
  /** Infinity where unlimited. */
  limits: QVec;
  unmet: QVec;
  /** Some guarantee is unmet. */
  unmetAny = false;
  /** Some limit is finite (offers to the subtree get chopped). */
  readonly limited: boolean;
  /** Limits exceed guarantees somewhere: the role also takes part in stage 2. */
  readonly stage2: boolean;

  constructor(
    readonly config: QuotaConfig,
    names: NameTable,
  ) {
    this.guarantees = vectorOf(config.guarantees, names);
    this.limits = vectorOf(config.limits, names, Infinity);
    this.unmet = names.vector();
    this.limited = [...config.limits.values()].some((x) => Number.isFinite(x));
    let stage2 = false;
    for (const [name, limit] of config.limits) if (limit > (config.guarantees.get(name) ?? 0)) stage2 = true;
    for (const name of config.guarantees.keys()) if (!config.limits.has(name)) stage2 = true;
    this.stage2 = stage2;
  }
}

export class TopRole {
  reserved: QVec;
  allocatedUnreserved: QVec;
  consumed: QVec;
  /** Agent entries reserved to exactly this role (stage 1 offers them). */
  ownReserved = 0;
  quota: QuotaState | null = null;
  /** The RoleState of this very role, while tracked. */
  role: RoleState | null = null;

  constructor(
    readonly name: string,
    names: NameTable,
  ) {
    this.reserved = names.vector();
    this.allocatedUnreserved = names.vector();
    this.consumed = names.vector();
  }
}

export class Headroom {
  free: QVec;
  required: QVec;
  readonly quotaRoles = new Set<TopRole>();

  constructor(private readonly names: NameTable) {
    this.free = names.vector();
    this.required = names.vector();
  }

  /** Recomputes `consumed` (and `unmet`, `required`) after the role's vectors changed. */
  refresh(top: TopRole): void {
    const n = this.names.size;
    const c = top.consumed;
    for (let i = 0; i < n; i++) c[i] = top.reserved[i]! + top.allocatedUnreserved[i]!;
    const q = top.quota;
    if (q === null) return;
    let any = false;
    for (let i = 0; i < n; i++) {
      const u = Math.max(0, q.guarantees[i]! - c[i]!);
      this.required[i] += u - q.unmet[i]!;
      q.unmet[i] = u;
      if (u > 0) any = true;
    }
    q.unmetAny = any;
  }

  setQuota(top: TopRole, quota: QuotaState | null): void {
    const n = this.names.size;
    if (top.quota) for (let i = 0; i < n; i++) this.required[i] -= top.quota.unmet[i]!;
    top.quota = quota;
    if (quota) this.quotaRoles.add(top);
    else this.quotaRoles.delete(top);
    this.refresh(top);
  }

  /** Whether any headroom is required at all (no quota, or all met: no checks needed). */
  anyRequired(): boolean {
    const n = this.names.size;
    for (let i = 0; i < n; i++) if (this.required[i]! > 0) return true;
    return false;
  }

  /** What is left under the limit for name `i` (Infinity when unlimited). */
  static limitLeft(top: TopRole, i: number): number {
    const q = top.quota;
    if (q === null) return Infinity;
    return q.limits[i]! - top.consumed[i]!;
  }
}
