/**
 * Changing an agent's total (registration, updateAgent, offer operations): its contribution to the
 * cluster totals and headroom leaves and comes back around the change, holdings move to the new
 * entries, and what frameworks held of kinds the new total lacks stops being counted.
 */
import type { Resources } from "@mesos/core";
import { AGENT_HAS_GPUS, AGENT_IS_REMOTE, AGENT_NOT_MULTI_ROLE, type AgentState } from "./agent-state.ts";
import type { AllocatorState } from "./allocator-state.ts";
import { agentContribution, holdingAsCandidate, releasePieces } from "./bookkeeping.ts";
import type { Candidate } from "./candidate.ts";
import { CAP_REFINEMENT, CAP_REVOCABLE, CAP_SHARED } from "./framework-state.ts";
import type { Kind } from "./resource-kinds.ts";

/** Sets a new agent's total and adds it to the cluster. */
export function addTotal(s: AllocatorState, agent: AgentState, total: Resources): void {
  agent.setTotal(total, s.kinds, CAP_REVOCABLE, CAP_REFINEMENT, CAP_SHARED);
  setExclusion(s, agent);
  agentContribution(s, agent, 1);
}

/** Replaces an agent's total; `beforeChange` runs once the old contribution is out. */
export function retotal(s: AllocatorState, agent: AgentState, total: Resources, scratch: Candidate, beforeChange: () => void = () => {}): void {
  agentContribution(s, agent, -1);
  beforeChange();
  const kept = new Set<Kind>();
  for (const r of total) kept.add(s.kinds.of(r));
  for (const [fr, holding] of [...agent.holdings]) {
    holdingAsCandidate(agent, holding, scratch, (e) => !kept.has(agent.kinds[e]!));
    if (scratch.len > 0) releasePieces(s, agent, fr, scratch, false);
  }
  addTotal(s, agent, total);
}

/** Which frameworks may not get this agent: GPUs, a remote region, no MULTI_ROLE. */
function setExclusion(s: AllocatorState, agent: AgentState): void {
  const master = s.options.masterRegion;
  const remote = master !== undefined && agent.region !== undefined && agent.region !== master;
  agent.exclusion =
    (agent.total.scalar("gpus") > 0 ? AGENT_HAS_GPUS : 0) |
    (remote ? AGENT_IS_REMOTE : 0) |
    (agent.capabilities.multiRole ? 0 : AGENT_NOT_MULTI_ROLE);
}
