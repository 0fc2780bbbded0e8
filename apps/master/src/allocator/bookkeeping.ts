/**
 * Moving resources between an agent's available pool and a (framework, role) holding, and keeping
 * every derived number in step with it: the role, framework and quota sorters' allocations, the
 * role's own non-revocable allocation, its top-level role's consumed quota and the free headroom.
 * Allocation, recovery, tracking `used` resources and operations all go through `allocatePieces`
 * and `releasePieces`, which also keep the agent's availability version (see AgentState.version).
 */
import { topLevelRole } from "@mesos/core";
import { type AgentState, newVersion } from "./agent-state.ts";
import type { AllocatorState } from "./allocator-state.ts";
import type { Candidate } from "./candidate.ts";
import type { FrameworkRole } from "./framework-state.ts";
import { Holding } from "./holding.ts";
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
    holding = new Holding(agent.kinds.length);
    agent.holdings.set(fr, holding);
    fr.holdingCount++;
  }
  const n = s.names.size;
  const d = s.delta;
  const dn = s.nonRevocableDelta;
  const du = s.unreservedDelta;
  d.fill(0, 0, n);
  dn.fill(0, 0, n);
  du.fill(0, 0, n);
  let fwDelta = d;
  let shared = false;
  let taken = 0;
  for (let i = 0; i < c.len; i++) {
    const e = c.entry[i]!;
    const k = agent.kinds[e]!;
    if (k.shared) {
      shared = true;
      continue;
    }
    if (options.touchAvailable) {
      agent.lastTakeEntry[taken] = e;
      agent.lastTakeAmount[taken] = k.scalar ? c.amount[i]! : 0;
      agent.lastTakeValue[taken] = k.scalar ? null : c.value[i]!;
      taken++;
    }
    if (k.scalar) {
      const amount = c.amount[i]!;
      if (options.touchAvailable) agent.take(e, amount, null);
      holding.addAmount(e, amount);
      d[k.nameId] += amount;
      if (!k.revocable) {
        dn[k.nameId] += amount;
        if (k.reservedRole === null) du[k.nameId] += amount;
      }
    } else {
      const v = c.value[i]!;
      if (options.touchAvailable) agent.take(e, 0, v);
      holding.addValue(e, v);
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
      if (!holding.holds(e)) fwDelta[k.nameId] += size;
      if (!roleHoldsOnAgent(agent, fr, e)) {
        d[k.nameId] += size;
        if (!k.revocable) dn[k.nameId] += size;
      }
      holding.addAmount(e, c.amount[i]!);
      if (options.touchAvailable) agent.sharedOffered[e] = s.cycle;
    }
  }
  if (taken > 0) {
    agent.lastTakeBefore = agent.version;
    agent.version = newVersion();
    agent.lastTakeAfter = agent.version;
    agent.lastTakeLength = taken;
  }
  const role = fr.role;
  s.roleSorter.allocated(role.leaf, d, n, options.count);
  role.frameworkSorter.allocated(fr.leaf!, fwDelta, n, options.count);
  addVec(role.allocationNonRevocable, dn, n);
  if (role.quotaLeaf) s.quotaSorter.allocated(role.quotaLeaf, dn, n, options.count);
  consume(s, role.top, du, n, 1, options.touchAvailable);
  s.seq++;
  return holding;
}

/** Moves pieces back from the holding to the agent, clamped to what the holding has. */
export function releasePieces(s: AllocatorState, agent: AgentState, fr: FrameworkRole, c: Candidate, touchAvailable = true): void {
  const holding = agent.holdings.get(fr);
  if (!holding) return;
  const n = s.names.size;
  const d = s.delta;
  const dn = s.nonRevocableDelta;
  const du = s.unreservedDelta;
  const fwDelta = s.frameworkDelta;
  d.fill(0, 0, n);
  dn.fill(0, 0, n);
  du.fill(0, 0, n);
  fwDelta.fill(0, 0, n);
  let given = 0;
  let inverse = touchAvailable && agent.version === agent.lastTakeAfter;
  for (let i = 0; i < c.len; i++) {
    const e0 = c.entry[i]!;
    const k = agent.kinds[e0]!;
    if (k.shared) {
      if (holding.takeAmount(e0, c.amount[i]!) <= 0) continue;
      const size = agent.totalAmount[e0]!;
      if (!holding.holds(e0)) fwDelta[k.nameId] += size;
      if (!roleHoldsOnAgent(agent, fr, e0)) {
        d[k.nameId] += size;
        if (!k.revocable) dn[k.nameId] += size;
      }
      continue;
    }
    if (!k.scalar) {
      // Whichever entry of the kind holds it (kinds normally have one entry per agent).
      const v = c.value[i]!;
      for (let e = e0; e < agent.kinds.length; e++) {
        if (agent.kinds[e] !== k) continue;
        const taken = holding.takeValue(e, v);
        if (taken === null) continue;
        if (touchAvailable) {
          agent.give(e, 0, taken);
          given++;
          if (inverse) inverse = tookExactly(agent, e, 0, taken);
        }
        break;
      }
      continue;
    }
    let left = c.amount[i]!;
    for (let e = e0; e < agent.kinds.length && left > 0; e++) {
      if (agent.kinds[e] !== k) continue;
      const taken = holding.takeAmount(e, left);
      if (taken <= 0) continue;
      left -= taken;
      if (touchAvailable) {
        agent.give(e, taken, null);
        given++;
        if (inverse) inverse = tookExactly(agent, e, taken, null);
      }
      d[k.nameId] += taken;
      fwDelta[k.nameId] += taken;
      if (!k.revocable) {
        dn[k.nameId] += taken;
        if (k.reservedRole === null) du[k.nameId] += taken;
      }
    }
  }
  if (given > 0) agent.version = inverse && given === agent.lastTakeLength ? agent.lastTakeBefore : newVersion();
  if (holding.isEmpty) {
    agent.holdings.delete(fr);
    fr.holdingCount--;
  }
  const role = fr.role;
  s.roleSorter.unallocated(role.leaf, d, n);
  role.frameworkSorter.unallocated(fr.leaf!, fwDelta, n);
  subVec(role.allocationNonRevocable, dn, n);
  if (role.quotaLeaf) s.quotaSorter.unallocated(role.quotaLeaf, dn, n);
  consume(s, role.top, du, n, -1, touchAvailable);
  s.seq++;
}

/** Everything the holding has (optionally only of entries `which` accepts), as a candidate. */
export function holdingAsCandidate(agent: AgentState, holding: Holding, c: Candidate, which: (e: number) => boolean = () => true): void {
  c.begin(agent, -1, 0, null, -1);
  for (let e = 0; e < agent.kinds.length; e++) {
    if (!holding.holds(e) || !which(e)) continue;
    const k = agent.kinds[e]!;
    if (k.scalar) c.push(e, holding.amounts[e]!, 0, null);
    else c.push(e, 0, 0, holding.valueAt(e));
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

/** Whether the last allocation on the agent took exactly this piece (each piece matches once). */
function tookExactly(agent: AgentState, e: number, amount: number, value: NonScalar | null): boolean {
  for (let i = 0; i < agent.lastTakeLength; i++) {
    if (agent.lastTakeEntry[i] !== e) continue;
    agent.lastTakeEntry[i] = -1;
    return value === null ? agent.lastTakeAmount[i] === amount : agent.lastTakeValue[i] === value;
  }
  return false;
}

function roleHoldsOnAgent(agent: AgentState, fr: FrameworkRole, e: number): boolean {
  for (const [other, holding] of agent.holdings) if (other.role === fr.role && holding.holds(e)) return true;
  return false;
}

function addVec(target: Float64Array, delta: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) target[i] += delta[i]!;
}

function subVec(target: Float64Array, delta: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) target[i] -= delta[i]!;
}
