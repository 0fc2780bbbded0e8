/**
 * One allocation cycle (Mesos's `__allocate`): shuffle the active agents, then
 *   stage 1 - for each agent, quota roles in quota-sorter order, their frameworks in order;
 *   stage 2 - for each agent, roles in role-sorter order (quota roles only if their limits exceed
 *             their guarantees), their frameworks in order.
 * A framework gets the candidate for its (agent, role, capabilities) if it is allocatable under its
 * minimum offer size and not filtered. Sorter orders are refreshed per agent (Mesos sorts per agent
 * too), and an agent with nothing left stops its walks at once.
 */
import type { AgentState } from "./agent-state.ts";
import type { AllocatorState } from "./allocator-state.ts";
import { allocatePieces } from "./bookkeeping.ts";
import { buildFairCandidate, buildQuotaCandidate } from "./candidate-builders.ts";
import { STAGE_FAIR, STAGE_QUOTA } from "./candidate.ts";
import { filteredUntil, sweepFilters } from "./filters.ts";
import type { FrameworkRole } from "./framework-state.ts";
import type { Holding } from "./holding.ts";
import type { RoleState } from "./role-state.ts";

const SWEEP_INTERVAL_MS = 60_000;

export class AllocationCycle {
  private agent!: AgentState;
  private role!: RoleState;
  private stage = STAGE_FAIR;
  private now = 0;
  /**
   * The earliest time a filter that refused something in the last run expires (Infinity if none
   * did): until then a run over the same state refuses the same (quiet-cycles.ts).
   */
  refusalsEndAt = Number.POSITIVE_INFINITY;

  constructor(private readonly s: AllocatorState) {}

  /** A cycle over every active agent, or over `only` (agents changed since the last cycle). */
  run(only?: readonly AgentState[]): void {
    const s = this.s;
    s.cycle++;
    s.out = [];
    s.candidate.invalidate();
    this.now = s.options.clock.now();
    this.refusalsEndAt = Number.POSITIVE_INFINITY;
    if (this.now - s.lastSweep >= SWEEP_INTERVAL_MS) this.sweep();

    const agents = only ? only.slice() : s.activeAgents.slice();
    for (let i = agents.length - 1; i > 0; i--) {
      const j = Math.floor(s.random() * (i + 1));
      const t = agents[i]!;
      agents[i] = agents[j]!;
      agents[j] = t;
    }

    if (s.headroom.quotaRoles.size > 0) {
      this.stage = STAGE_QUOTA;
      for (const agent of agents) {
        if (agent.exhausted(s.cycle)) continue;
        this.agent = agent;
        s.quotaSorter.forEach(this.visitQuotaRole);
      }
    }
    this.stage = STAGE_FAIR;
    for (const agent of agents) {
      if (agent.exhausted(s.cycle)) continue;
      this.agent = agent;
      s.roleSorter.forEach(this.visitFairRole);
    }
  }

  private readonly visitQuotaRole = (role: RoleState): boolean => {
    const q = role.top.quota;
    if (q === null || (!q.unmetAny && !this.agent.reservedRoles.has(role.name))) return true;
    this.role = role;
    role.frameworkSorter.forEach(this.visitFramework);
    return !this.agent.exhausted(this.s.cycle);
  };

  private readonly visitFairRole = (role: RoleState): boolean => {
    const agent = this.agent;
    // In Mesos 1.8 stage 2 skips quota roles: their limit is their guarantee.
    if (role.top.quota !== null && role.isTop && !role.top.quota.stage2) return true;
    if (role.hierarchical && !agent.capabilities.hierarchicalRole) return true;
    this.role = role;
    role.frameworkSorter.forEach(this.visitFramework);
    return !agent.exhausted(this.s.cycle);
  };

  private readonly visitFramework = (fr: FrameworkRole): boolean => {
    const s = this.s;
    const agent = this.agent;
    const role = this.role;
    const fw = fr.framework;
    if ((fw.excludedAgents & agent.exclusion) !== 0) return true;
    const mask = fw.capabilityMask & agent.capabilityMask;
    const stage = this.stage;
    // The candidate depends on the role only through reservations and quota.
    const roleKey = stage === STAGE_QUOTA || agent.hasReserved || role.top.quota !== null ? role : null;
    const c = s.candidate;
    if (!c.matches(agent, s.seq, stage, roleKey, mask)) {
      c.begin(agent, s.seq, stage, roleKey, mask);
      if (stage === STAGE_QUOTA) buildQuotaCandidate(c, s, agent, role, mask);
      else buildFairCandidate(c, s, agent, role, mask);
    }
    if (!c.allocatable(fr.minRule, s.names)) return true;
    if (fr.filters !== null) {
      const until = filteredUntil(fr, agent, c, this.now, s.options.checkFiltersInFull);
      if (until > 0) {
        if (until < this.refusalsEndAt) this.refusalsEndAt = until;
        return true;
      }
    }
    const resources = s.offers.build(agent, role.name, c);
    const holding = allocatePieces(s, agent, fr, c);
    this.emit(fr, holding, resources);
    return !agent.exhausted(s.cycle);
  };

  private emit(fr: FrameworkRole, holding: Holding, resources: ReturnType<AllocatorState["offers"]["build"]>): void {
    const s = this.s;
    if (holding.offerCycle === s.cycle) {
      const offer = s.out[holding.offerIndex]!;
      offer.resources = offer.resources.plus(resources);
      return;
    }
    holding.offerCycle = s.cycle;
    holding.offerIndex = s.out.length;
    s.out.push({ frameworkId: fr.framework.id, agentId: this.agent.id, role: fr.role.name, resources });
  }

  private sweep(): void {
    const s = this.s;
    s.lastSweep = this.now;
    for (const fw of s.frameworks.values()) for (const fr of fw.byRole.values()) sweepFilters(fr, this.now);
  }
}
