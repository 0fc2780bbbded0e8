/**
 * Moving resources between an agent's available pool and a (framework, role) holding, and keeping
 * every derived number in step with it: the role, framework and quota sorters' allocations, the
 * role's own non-revocable allocation, its top-level role's consumed quota and the free headroom.
 * Allocation, recovery, tracking `used` resources and operations all go through `applyPieces`.
 */
import { topLevelRole } from "@mesos/core";
import type { AgentState } from "./agent-state.ts";
import type { AllocatorState } from "./allocator-state.ts";
import type { Candidate } from "./candidate.ts";
import type { FrameworkRole } from "./framework-state.ts";
import { Holding } from "./holding.ts";
import type { Kind } from "./resource-kinds.ts";
import type { TopRole } from "./quota.ts";
import type { NonScalar } from "./value-ops.ts";

export interface ApplyOptions {
  /** Count this as one more allocation (the DRF tie-breaker). */
  count: boolean;
  /** Take from / give back to the agent's available resources (false when the total changes instead). */
  touchAvailable: boolean;
}

const ALLOCATE: ApplyOptions = { count: true, touchAvailable: true };

/** Moves the candidate's pieces from the agent into the framework's holding. */
export function allocatePieces(s: AllocatorState, agent: AgentState, fr: FrameworkRole, c: Candidate, options = ALLOCATE): Holding {
  let holding = agent.holdings.get(fr);
  if (!holding) {
    holding = new Holding();
    agent.holdings.set(fr, holding);
    fr.holdings.set(agent, holding);
  }
  const d = s.delta;
  const dn = s.nonRevocableDelta;
  const du = s.unreservedDelta;
  const n = s.names.size;
  d.fill(0, 0, n);
  dn.fill(0, 0, n);
  du.fill(0, 0, n);
  let fwDelta = d;
  let shared = false;
  for (let i = 0; i < c.len; i++) {
    const e = c.entry[i]!;
    const k = agent.kinds[e]!;
    if (k.shared) {
      shared = true;
      continue;
    }
    const v = c.value[i] ?? null;
    const amount = v === null ? c.amount[i]! : 0;
    if (options.touchAvailable) agent.take(e, amount, v);
    holding.add(k, amount, v);
    if (v === null) {
      d[k.nameId] += amount;
      if (!k.revocable) {
        dn[k.nameId] += amount;
        if (k.reservedRole === null) du[k.nameId] += amount;
      }
    }
  }
  if (shared) {
    // A shared volume counts once per client and agent however many copies it holds (Mesos sorters).
    fwDelta = s.frameworkDelta;
    fwDelta.set(d);
    for (let i = 0; i < c.len; i++) {
      const e = c.entry[i]!;
      const k = agent.kinds[e]!;
      if (!k.shared) continue;
      const size = agent.totalAmount[e]!;
      if (!holding.pieces.has(k)) fwDelta[k.nameId] += size;
      if (!roleHoldsOnAgent(agent, fr, k)) {
        d[k.nameId] += size;
        if (!k.revocable) dn[k.nameId] += size;
      }
      holding.add(k, c.amount[i]!, null);
      if (options.touchAvailable) agent.sharedOffered[e] = s.cycle;
    }
  }
  const role = fr.role;
  s.roleSorter.allocated(role.leaf, d, options.count);
  role.frameworkSorter.allocated(fr.leaf!, fwDelta, options.count);
  addVec(role.allocationNonRevocable, dn, n);
  if (role.quotaLeaf) s.quotaSorter.allocated(role.quotaLeaf, dn, options.count);
  consume(s, role.top, du, n, 1, options.touchAvailable);
  s.seq++;
  return holding;
}

/** Moves pieces back from the holding to the agent, clamped to what the holding has. */
export function releasePieces(s: AllocatorState, agent: AgentState, fr: FrameworkRole, c: Candidate, touchAvailable = true): void {
  const holding = agent.holdings.get(fr);
  if (!holding) return;
  const d = s.delta;
  const dn = s.nonRevocableDelta;
  const du = s.unreservedDelta;
  const fwDelta = s.frameworkDelta;
  const n = s.names.size;
  d.fill(0, 0, n);
  dn.fill(0, 0, n);
  du.fill(0, 0, n);
  fwDelta.fill(0, 0, n);
  for (let i = 0; i < c.len; i++) {
    const e = c.entry[i]!;
    const k = agent.kinds[e]!;
    const v = c.value[i] ?? null;
    if (k.shared) {
      const taken = holding.take(k, c.amount[i]!, null);
      if (!taken) continue;
      const size = agent.totalAmount[e]!;
      if (!holding.pieces.has(k)) fwDelta[k.nameId] += size;
      if (!roleHoldsOnAgent(agent, fr, k)) {
        d[k.nameId] += size;
        if (!k.revocable) dn[k.nameId] += size;
      }
      continue;
    }
    const taken = holding.take(k, v === null ? c.amount[i]! : 0, v);
    if (!taken) continue;
    if (touchAvailable) give(agent, k, e, taken.amount, taken.value);
    if (taken.value === null) {
      const a = taken.amount;
      d[k.nameId] += a;
      fwDelta[k.nameId] += a;
      if (!k.revocable) {
        dn[k.nameId] += a;
        if (k.reservedRole === null) du[k.nameId] += a;
      }
    }
  }
  if (holding.isEmpty) {
    agent.holdings.delete(fr);
    fr.holdings.delete(agent);
  }
  const role = fr.role;
  s.roleSorter.unallocated(role.leaf, d);
  role.frameworkSorter.unallocated(fr.leaf!, fwDelta);
  subVec(role.allocationNonRevocable, dn, n);
  if (role.quotaLeaf) s.quotaSorter.unallocated(role.quotaLeaf, dn);
  consume(s, role.top, du, n, -1, touchAvailable);
  s.seq++;
}

/** Everything the holding has, as a candidate over the agent's entries (for release). */
export function holdingAsCandidate(agent: AgentState, holding: Holding, c: Candidate): void {
  c.begin(agent, -1, 0, null, -1);
  for (const [kind, piece] of holding.pieces) {
    const e = agent.entryOf(kind);
    if (e === -1) continue;
    c.push(e, piece.amount, 0, piece.value);
  }
}

/** Adds (sign 1) or removes (sign -1) an agent's totals and free resources from the cluster's. */
export function agentContribution(s: AllocatorState, agent: AgentState, sign: number): void {
  const touched = new Set<TopRole>();
  const free = s.headroom.free;
  for (let e = 0; e < agent.kinds.length; e++) {
    const k = agent.kinds[e]!;
    if (!k.scalar) continue;
    const amount = sign * agent.totalAmount[e]!;
    s.basis.total[k.nameId] += amount;
    if (k.revocable) continue;
    s.quotaBasis.total[k.nameId] += amount;
    if (k.reservedRole !== null) {
      const top = s.top(topLevelRole(k.reservedRole));
      top.reserved[k.nameId] += amount;
      if (top.name === k.reservedRole) top.ownReserved += sign;
      touched.add(top);
    } else if (!k.shared) {
      free[k.nameId] += sign * agent.available[e]!;
    }
  }
  for (const top of touched) {
    s.headroom.refresh(top);
    if (top.role) s.refreshQuotaLeaf(top.role);
  }
  s.basis.epoch++;
  s.quotaBasis.epoch++;
}

function consume(s: AllocatorState, top: TopRole, du: Float64Array, n: number, sign: number, touchFree: boolean): void {
  let any = false;
  for (let i = 0; i < n; i++) {
    const x = du[i]!;
    if (x === 0) continue;
    any = true;
    top.allocatedUnreserved[i] += sign * x;
    if (touchFree) s.headroom.free[i] -= sign * x;
  }
  if (!any) return;
  s.headroom.refresh(top);
  if (top.role) s.refreshQuotaLeaf(top.role);
}

/** Gives an amount back, spreading it over entries of the kind when the kind repeats. */
function give(agent: AgentState, k: Kind, e: number, amount: number, value: NonScalar | null): void {
  if (value !== null) {
    agent.give(e, 0, value);
    return;
  }
  let left = amount;
  for (let x = e; x < agent.kinds.length && left > 0; x++) {
    if (agent.kinds[x] !== k) continue;
    const room = agent.totalAmount[x]! - agent.available[x]!;
    const back = Math.min(room, left);
    if (back > 0) agent.give(x, back, null);
    left -= back;
  }
}

function roleHoldsOnAgent(agent: AgentState, fr: FrameworkRole, k: Kind): boolean {
  for (const [other, holding] of agent.holdings) if (other.role === fr.role && holding.pieces.has(k)) return true;
  return false;
}

function addVec(target: Float64Array, delta: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) target[i] += delta[i]!;
}

function subVec(target: Float64Array, delta: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) target[i] -= delta[i]!;
}
