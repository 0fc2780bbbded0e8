/**
 * RoleSettings: quota and weights, the per-role policy the registry keeps. The only code that
 * writes them: the registry first, then the in-memory copy and the allocator, so what a caller
 * acknowledges after awaiting a change survives a crash.
 */
import type { Allocator } from "../allocator/allocator.ts";
import type { RegistryStore, StoredQuota } from "../registry/registry-store.ts";
import type { RoleQuota } from "./quota-config.ts";

export interface RoleSettingsDeps {
  store: RegistryStore;
  allocator: Pick<Allocator, "updateQuota" | "updateWeights">;
  /** Quota and weights as loaded at start-up. */
  quotas: readonly StoredQuota[];
  weights: ReadonlyMap<string, number>;
}

export class RoleSettings {
  private readonly quotaByRole = new Map<string, RoleQuota>();
  private readonly weightByRole: Map<string, number>;

  constructor(private readonly deps: RoleSettingsDeps) {
    this.weightByRole = new Map(deps.weights);
    deps.allocator.updateWeights(new Map(this.weightByRole));
    for (const q of deps.quotas) {
      const quota: RoleQuota = {
        role: q.role,
        guarantees: new Map(Object.entries(q.guarantees)),
        limits: new Map(Object.entries(q.limits)),
        principal: q.principal,
      };
      this.quotaByRole.set(q.role, quota);
      deps.allocator.updateQuota(q.role, { guarantees: quota.guarantees, limits: quota.limits });
    }
  }

  /** Quota by top-level role. */
  quotas(): ReadonlyMap<string, RoleQuota> {
    return this.quotaByRole;
  }

  /** Weights other than the default 1, by role. */
  weights(): ReadonlyMap<string, number> {
    return this.weightByRole;
  }

  /** Removes the quota of `removed` and sets `changed`, role by role. */
  async changeQuota(changed: readonly RoleQuota[], removed: readonly string[]): Promise<void> {
    for (const role of removed) {
      await this.deps.store.removeQuota(role);
      this.quotaByRole.delete(role);
      this.deps.allocator.updateQuota(role, undefined);
    }
    for (const q of changed) {
      await this.deps.store.setQuota({
        role: q.role,
        guarantees: Object.fromEntries(q.guarantees),
        limits: Object.fromEntries(q.limits),
        principal: q.principal,
      });
      this.quotaByRole.set(q.role, q);
      this.deps.allocator.updateQuota(q.role, { guarantees: q.guarantees, limits: q.limits });
    }
  }

  /** Sets the weights of the given roles (1 resets a role to the default). */
  async updateWeights(updates: ReadonlyMap<string, number>): Promise<void> {
    await this.deps.store.updateWeights(updates);
    for (const [role, weight] of updates) {
      // Re-inserted, as the registry re-inserts its row: GET_WEIGHTS lists in the same order after a restart.
      this.weightByRole.delete(role);
      if (weight !== 1) this.weightByRole.set(role, weight);
    }
    this.deps.allocator.updateWeights(new Map(this.weightByRole));
  }
}
