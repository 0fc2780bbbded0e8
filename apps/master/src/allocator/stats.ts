/**
 * The allocator's numbers under Mesos's metric names (`allocator/mesos/...`), for the master's
 * /metrics/snapshot: totals and offered-or-allocated amounts per resource, each role's dominant
 * share, quota guarantees / limits / consumption, and active offer filters per role.
 */
import type { AllocatorState } from "./allocator-state.ts";
import type { AllocatorStats } from "./allocator.ts";
import { shareOf } from "./drf-sorter.ts";
import { countFilters } from "./filters.ts";

export function collectStats(s: AllocatorState): AllocatorStats {
  const metrics: Record<string, number> = {};
  const names = s.names.names;
  const allocated = new Float64Array(s.names.capacity);
  for (const role of s.roles.values()) {
    for (let i = 0; i < names.length; i++) allocated[i] += role.leaf.alloc[i]!;
  }
  for (let i = 0; i < names.length; i++) {
    const total = s.basis.total[i]!;
    if (total === 0) continue;
    metrics[`allocator/mesos/resources/${names[i]}/total`] = total / 1000;
    metrics[`allocator/mesos/resources/${names[i]}/offered_or_allocated`] = allocated[i]! / 1000;
  }
  let filters = 0;
  const now = s.options.clock.now();
  for (const role of s.roles.values()) {
    metrics[`allocator/mesos/roles/${role.name}/shares/dominant`] = shareOf(role.leaf.alloc, role.leaf.weight, s.basis);
    let roleFilters = 0;
    for (const fr of role.frameworks) roleFilters += countFilters(fr, now);
    metrics[`allocator/mesos/offer_filters/roles/${role.name}/active`] = roleFilters;
    filters += roleFilters;
  }
  for (const top of s.headroom.quotaRoles) {
    const q = top.quota!;
    for (let i = 0; i < names.length; i++) {
      const prefix = `allocator/mesos/quota/roles/${top.name}/resources/${names[i]}`;
      if (q.guarantees[i]! > 0) metrics[`${prefix}/guarantee`] = q.guarantees[i]! / 1000;
      if (Number.isFinite(q.limits[i]!)) metrics[`${prefix}/limit`] = q.limits[i]! / 1000;
      if (q.guarantees[i]! > 0 || Number.isFinite(q.limits[i]!)) metrics[`${prefix}/offered_or_allocated`] = top.consumed[i]! / 1000;
    }
  }
  return {
    metrics,
    cycles: s.cycle,
    agents: s.agents.size,
    activeAgents: s.activeAgents.length,
    frameworks: s.frameworks.size,
    offerFilters: filters,
  };
}
