/**
 * Maintenance in the allocator (Mesos's Slave::Maintenance and inverse offer filters): which agents
 * are to be unavailable, which frameworks have an inverse offer outstanding for each, their latest
 * answers, and the filters their answers set. `deallocate` runs with each allocation cycle and asks
 * every active framework that holds resources on such an agent to give it back, once until it
 * answers or its inverse offer is rescinded, and not while a filter of its answer lasts.
 */
import type { Clock } from "@mesos/core";
import type { allocator, Unavailability } from "@mesos/proto";
import type { InverseOfferAnswer, InverseOfferAllocation } from "./allocator.ts";
import type { AgentState } from "./agent-state.ts";

interface AgentMaintenance {
  unavailability: Unavailability;
  /** Frameworks with an inverse offer for the agent not answered yet. */
  outstanding: Set<string>;
  /** Each framework's latest answer. */
  statuses: Map<string, allocator.InverseOfferStatus>;
}

export class InverseOffers {
  private readonly byAgent = new Map<string, AgentMaintenance>();
  /** Filters set by answers: framework id -> agent id -> when the filter expires (ms). */
  private readonly filters = new Map<string, Map<string, number>>();

  constructor(private readonly clock: Clock) {}

  /** A new unavailability (or none) starts over: no outstanding offers, answers or filters for the agent. */
  setUnavailability(agentId: string, unavailability: Unavailability | undefined): void {
    for (const byAgent of this.filters.values()) byAgent.delete(agentId);
    if (unavailability) this.byAgent.set(agentId, { unavailability, outstanding: new Set(), statuses: new Map() });
    else this.byAgent.delete(agentId);
  }

  removeAgent(agentId: string): void {
    this.setUnavailability(agentId, undefined);
  }

  /** Deactivation and REVIVE clear a framework's inverse offer filters (as they do its offer filters). */
  clearFilters(frameworkId: string): void {
    this.filters.delete(frameworkId);
  }

  /**
   * An inverse offer ended: answered (its status is kept and `refuseSeconds` of the answer filter
   * the agent for the framework), or rescinded or timed out (no answer: it may be made again).
   */
  update(agentId: string, frameworkId: string, answer?: InverseOfferAnswer): void {
    const maintenance = this.byAgent.get(agentId);
    if (!maintenance) return;
    if (maintenance.outstanding.delete(frameworkId) && answer) maintenance.statuses.set(frameworkId, answer.status);
    if (!answer || answer.refuseSeconds <= 0) return;
    let byAgent = this.filters.get(frameworkId);
    if (!byAgent) this.filters.set(frameworkId, (byAgent = new Map()));
    byAgent.set(agentId, this.clock.now() + answer.refuseSeconds * 1000);
  }

  statuses(): Map<string, ReadonlyMap<string, allocator.InverseOfferStatus>> {
    return new Map([...this.byAgent].map(([id, m]) => [id, m.statuses]));
  }

  /** Inverse offers to make now: `holders(agent)` are the active frameworks holding resources on it. */
  deallocate(agent: (id: string) => AgentState | undefined, holders: (agent: AgentState) => Iterable<string>): InverseOfferAllocation[] {
    const out: InverseOfferAllocation[] = [];
    const now = this.clock.now();
    for (const [agentId, maintenance] of this.byAgent) {
      const state = agent(agentId);
      if (!state?.active) continue;
      for (const frameworkId of holders(state)) {
        if (maintenance.outstanding.has(frameworkId)) continue;
        const until = this.filters.get(frameworkId)?.get(agentId);
        if (until !== undefined && until > now) continue;
        maintenance.outstanding.add(frameworkId);
        out.push({ frameworkId, agentId, unavailability: maintenance.unavailability });
      }
    }
    return out;
  }
}
