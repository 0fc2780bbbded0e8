/**
 * The hierarchical DRF allocator (Mesos 1.8's HierarchicalAllocatorProcess) behind the `Allocator`
 * interface: event methods update AllocatorState, `allocate()` runs an AllocationCycle. Resources
 * are converted to the internal form here, on the way in, and back in OfferBuilder, on the way out.
 */
import type { Resources } from "@mesos/core";
import type { allocator, Resource, Unavailability } from "@mesos/proto";
import { AgentState } from "./agent-state.ts";
import { addTotal, retotal } from "./agent-totals.ts";
import { AllocationCycle } from "./allocation-cycle.ts";
import type {
  AgentCapabilities,
  Allocation,
  Allocator,
  AllocatorAgent,
  AllocatorFramework,
  AllocatorOptions,
  AllocatorStats,
  InverseOfferAllocation,
  InverseOfferAnswer,
  QuotaConfig,
} from "./allocator.ts";
import { AllocatorState } from "./allocator-state.ts";
import { agentContribution, allocatePieces, holdingAsCandidate, releasePieces } from "./bookkeeping.ts";
import { Candidate } from "./candidate.ts";
import { addFilter, clearFilters, filterOf } from "./filters.ts";
import { FrameworkState } from "./framework-state.ts";
import { InverseOffers } from "./inverse-offers.ts";
import { QuietCycles } from "./quiet-cycles.ts";
import { QuotaState } from "./quota.ts";
import { byRole, piecesOf } from "./resource-pieces.ts";
import { collectStats } from "./stats.ts";

export function createHierarchicalAllocator(options: AllocatorOptions): Allocator {
  return new HierarchicalAllocator(options);
}

class HierarchicalAllocator implements Allocator {
  private readonly s: AllocatorState;
  private readonly cycle: AllocationCycle;
  private readonly scratch = new Candidate();
  private readonly maintenance: InverseOffers;
  /** Every event method below tells it the state changed. */
  private readonly quiet: QuietCycles;

  constructor(private readonly options: AllocatorOptions) {
    this.s = new AllocatorState(options);
    this.cycle = new AllocationCycle(this.s);
    this.maintenance = new InverseOffers(options.clock);
    this.quiet = new QuietCycles(!options.runQuietCycles);
  }

  addFramework(info: AllocatorFramework, used: ReadonlyMap<string, Resources>, active: boolean): void {
    this.quiet.changed();
    const s = this.s;
    let fw = s.frameworks.get(info.id);
    if (!fw) {
      fw = new FrameworkState(info.id, info);
      s.frameworks.set(info.id, fw);
    }
    fw.known = true;
    fw.active = active;
    this.applyInfo(fw, info);
    for (const [agentId, resources] of used) {
      const agent = s.agents.get(agentId);
      if (!agent) continue;
      for (const [role, list] of byRole(resources, () => info.roles[0])) {
        const fr = s.track(fw, role);
        if (agent.holdings.has(fr)) continue; // already tracked from the agent's own report
        allocatePieces(s, agent, fr, piecesOf(list, agent, s.kinds, true));
      }
    }
  }

  updateFramework(info: AllocatorFramework): void {
    this.quiet.changed();
    const fw = this.s.frameworks.get(info.id);
    if (fw?.known) this.applyInfo(fw, info);
  }

  removeFramework(frameworkId: string): void {
    this.quiet.changed();
    const s = this.s;
    const fw = s.frameworks.get(frameworkId);
    if (!fw) return;
    const frs = [...fw.byRole.values()];
    if (frs.some((fr) => fr.holdingCount > 0)) {
      for (const agent of s.agents.values()) {
        for (const fr of frs) {
          const holding = agent.holdings.get(fr);
          if (!holding) continue;
          holdingAsCandidate(agent, holding, this.scratch);
          releasePieces(s, agent, fr, this.scratch);
        }
      }
    }
    for (const fr of frs) s.untrack(fr);
    this.maintenance.clearFilters(frameworkId);
    s.frameworks.delete(frameworkId);
  }

  activateFramework(frameworkId: string): void {
    this.quiet.changed();
    const fw = this.s.frameworks.get(frameworkId);
    if (!fw?.known) return;
    fw.active = true;
    for (const fr of fw.byRole.values()) this.s.refreshActivation(fr);
  }

  deactivateFramework(frameworkId: string): void {
    this.quiet.changed();
    const fw = this.s.frameworks.get(frameworkId);
    if (!fw?.known) return;
    fw.active = false;
    this.maintenance.clearFilters(frameworkId);
    for (const fr of fw.byRole.values()) {
      clearFilters(fr);
      this.s.refreshActivation(fr);
    }
  }

  addAgent(info: AllocatorAgent, used: ReadonlyMap<string, Resources>): void {
    this.quiet.changed();
    const s = this.s;
    if (s.agents.has(info.id)) this.removeAgent(info.id);
    const agent = new AgentState(info.id, info);
    addTotal(s, agent, info.total);
    s.agents.set(info.id, agent);
    this.maintenance.setUnavailability(info.id, info.unavailability);
    this.activateAgent(info.id);
    for (const [frameworkId, resources] of used) {
      let fw = s.frameworks.get(frameworkId);
      if (!fw) {
        // Not added yet (agent re-registered first): hold its resources under an inactive entry
        // until addFramework adopts them, so they are neither offered nor missing from DRF shares.
        fw = new FrameworkState(frameworkId, null);
        fw.known = false;
        s.frameworks.set(frameworkId, fw);
      }
      const firstRole = fw.info?.roles[0];
      for (const [role, list] of byRole(resources, () => firstRole)) {
        const fr = s.track(fw, role);
        allocatePieces(s, agent, fr, piecesOf(list, agent, s.kinds, true));
      }
    }
  }

  updateAgent(agentId: string, total: Resources, capabilities?: AgentCapabilities): void {
    this.quiet.changed();
    const agent = this.s.agents.get(agentId);
    if (!agent) return;
    if (capabilities) agent.capabilities = capabilities;
    retotal(this.s, agent, total, this.scratch);
  }

  removeAgent(agentId: string): void {
    this.quiet.changed();
    const s = this.s;
    const agent = s.agents.get(agentId);
    if (!agent) return;
    for (const [fr, holding] of [...agent.holdings]) {
      holdingAsCandidate(agent, holding, this.scratch);
      releasePieces(s, agent, fr, this.scratch);
      s.untrackIfDone(fr);
    }
    agentContribution(s, agent, -1);
    this.deactivateAgent(agentId);
    for (const f of agent.filters.values()) for (let g: typeof f | null = f; g !== null; g = g.next) g.alive = false;
    agent.filters.clear();
    this.maintenance.removeAgent(agentId);
    s.agents.delete(agentId);
  }

  activateAgent(agentId: string): void {
    this.quiet.changed();
    const agent = this.s.agents.get(agentId);
    if (!agent || agent.activeIndex !== -1) return;
    agent.active = true;
    agent.activeIndex = this.s.activeAgents.length;
    this.s.activeAgents.push(agent);
  }

  deactivateAgent(agentId: string): void {
    this.quiet.changed();
    const agent = this.s.agents.get(agentId);
    if (!agent || agent.activeIndex === -1) return;
    const list = this.s.activeAgents;
    const last = list.pop()!;
    if (last !== agent) {
      list[agent.activeIndex] = last;
      last.activeIndex = agent.activeIndex;
    }
    agent.activeIndex = -1;
    agent.active = false;
  }

  recoverResources(frameworkId: string, agentId: string, resources: Resources, refuseSeconds = 0): void {
    this.quiet.changed();
    const s = this.s;
    const fw = s.frameworks.get(frameworkId);
    const agent = s.agents.get(agentId);
    if (!fw || !agent || resources.isEmpty()) return;
    for (const [role, list] of byRole(resources, (r) => this.holderRole(fw, agent, r))) {
      const fr = fw.byRole.get(role);
      if (!fr) continue;
      releasePieces(s, agent, fr, piecesOf(list, agent, s.kinds, false, this.scratch));
      if (refuseSeconds > 0 && fw.known) {
        const timeout = Math.max(refuseSeconds * 1000, this.options.allocationIntervalMs);
        addFilter(fr, agent, filterOf(s.kinds, agent, list, s.options.clock.now() + timeout));
      }
      s.untrackIfDone(fr);
    }
  }

  updateAllocation(frameworkId: string, agentId: string, from: Resources, to: Resources): void {
    this.quiet.changed();
    const s = this.s;
    const fw = s.frameworks.get(frameworkId);
    const agent = s.agents.get(agentId);
    if (!fw || !agent) return;
    const role = [...from, ...to].find((r) => r.allocationInfo)?.allocationInfo?.role ?? fw.info?.roles[0];
    if (role === undefined) return;
    const fr = s.track(fw, role);
    const total = agent.total.minus(from.unallocate()).plus(to.unallocate());
    retotal(s, agent, total, this.scratch, () => releasePieces(s, agent, fr, piecesOf([...from], agent, s.kinds, false), false));
    allocatePieces(s, agent, fr, piecesOf([...to], agent, s.kinds, true), { count: false, touchAvailable: true });
  }

  suppressOffers(frameworkId: string, roles: readonly string[]): void {
    this.quiet.changed();
    const fw = this.s.frameworks.get(frameworkId);
    if (!fw?.known) return;
    // Roles the framework is not subscribed to are ignored (the master rejects such calls anyway).
    for (const role of roles.length === 0 ? fw.roles : roles) if (fw.roles.has(role)) fw.suppressed.add(role);
    for (const fr of fw.byRole.values()) this.s.refreshActivation(fr);
  }

  reviveOffers(frameworkId: string, roles: readonly string[]): void {
    this.quiet.changed();
    const fw = this.s.frameworks.get(frameworkId);
    if (!fw?.known) return;
    this.maintenance.clearFilters(frameworkId);
    if (roles.length === 0) fw.suppressed.clear();
    for (const role of roles) fw.suppressed.delete(role);
    for (const fr of fw.byRole.values()) {
      clearFilters(fr);
      this.s.refreshActivation(fr);
    }
  }

  updateQuota(role: string, quota: QuotaConfig | undefined): void {
    this.quiet.changed();
    // The master only sets quota on top-level roles; a nested one would hold headroom forever.
    if (role.includes("/") || role === "*") throw new Error(`Quota can only be set on a top-level role, not '${role}'`);
    const s = this.s;
    const top = s.top(role);
    s.headroom.setQuota(top, quota ? new QuotaState(quota, s.names) : null);
    if (!top.role) return;
    if (quota) s.addQuotaLeaf(top.role);
    else s.removeQuotaLeaf(top.role);
    s.refreshRoleLeaf(top.role);
  }

  updateWeights(weights: ReadonlyMap<string, number>): void {
    this.quiet.changed();
    const s = this.s;
    s.weights.clear();
    for (const [role, weight] of weights) if (weight !== 1) s.weights.set(role, weight);
    s.roleSorter.invalidate();
    s.quotaSorter.invalidate();
  }

  allocate(agents?: Iterable<string>): Allocation[] {
    if (agents === undefined) {
      if (this.quiet.canSkip(this.options.clock.now())) {
        this.s.out = [];
        return this.s.out;
      }
      this.cycle.run();
    } else {
      const only = [...new Set(agents)].map((id) => this.s.agents.get(id)).filter((a): a is AgentState => a !== undefined && a.activeIndex >= 0);
      this.cycle.run(only);
    }
    this.quiet.ran(agents === undefined, this.s.out.length, this.cycle.refusalsEndAt);
    return this.s.out;
  }

  updateUnavailability(agentId: string, unavailability: Unavailability | undefined): void {
    this.quiet.changed();
    if (this.s.agents.has(agentId)) this.maintenance.setUnavailability(agentId, unavailability);
  }

  updateInverseOffer(agentId: string, frameworkId: string, answer?: InverseOfferAnswer): void {
    this.quiet.changed();
    this.maintenance.update(agentId, frameworkId, answer);
  }

  deallocate(): InverseOfferAllocation[] {
    return this.maintenance.deallocate(
      (id) => this.s.agents.get(id),
      (agent) => {
        const ids = new Set<string>();
        for (const fr of agent.holdings.keys()) if (fr.framework.known && fr.framework.active) ids.add(fr.framework.id);
        return ids;
      },
    );
  }

  inverseOfferStatuses(): Map<string, ReadonlyMap<string, allocator.InverseOfferStatus>> {
    return this.maintenance.statuses();
  }

  stats(): AllocatorStats {
    return collectStats(this.s);
  }

  private applyInfo(fw: FrameworkState, info: AllocatorFramework): void {
    const s = this.s;
    fw.setInfo(info, s.filterGpuResources);
    for (const role of fw.roles) s.track(fw, role);
    for (const [role, fr] of [...fw.byRole]) {
      fr.minRule = s.ruleFor(fw, role);
      if (!fw.roles.has(role)) clearFilters(fr); // a role left: its filters go (Mesos)
      s.refreshActivation(fr);
      s.untrackIfDone(fr);
    }
  }

  /** For a resource without AllocationInfo: the role whose holding on the agent has its kind. */
  private holderRole(fw: FrameworkState, agent: AgentState, r: Resource): string | undefined {
    const e = agent.entryOf(this.s.kinds.of(r));
    for (const fr of fw.byRole.values()) if (e !== -1 && agent.holdings.get(fr)?.holds(e)) return fr.role.name;
    return fw.info?.roles[0];
  }
}
