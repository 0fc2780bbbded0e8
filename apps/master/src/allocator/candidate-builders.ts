/**
 * What a framework would get from an agent, per stage of Mesos's `__allocate`, written into a
 * Candidate: stage 2 (fair share) offers allocatableTo(role) minus what capabilities strip, cut to
 * quota limits and held back for headroom; stage 1 (quota) offers reservations plus unreserved
 * resources cut to the unmet guarantee.
 */
import type { AgentState } from "./agent-state.ts";
import type { Candidate } from "./candidate.ts";
import { CAP_REFINEMENT, CAP_REVOCABLE, CAP_SHARED } from "./framework-state.ts";
import type { NameTable, QVec } from "./quantity-vector.ts";
import { Headroom, type TopRole } from "./quota.ts";
import { allocatableTo } from "./resource-kinds.ts";
import type { RoleState } from "./role-state.ts";

export interface CandidateContext {
  readonly names: NameTable;
  readonly headroom: Headroom;
  readonly random: () => number;
  cycle: number;
  /** Two scratch vectors (names.capacity long) the builders may overwrite. */
  scratchA: QVec;
  scratchB: QVec;
}

/** Shared and non-shared resources the framework can take, in stage 2: allocatableTo(role). */
export function buildFairCandidate(c: Candidate, ctx: CandidateContext, agent: AgentState, role: RoleState, mask: number): void {
  const kinds = agent.kinds;
  const available = agent.available;
  const cycle = ctx.cycle;
  for (let e = 0; e < kinds.length; e++) {
    const k = kinds[e]!;
    if (k.shared) {
      if ((mask & CAP_SHARED) === 0 || agent.sharedOffered[e] === cycle) continue;
    } else if (available[e]! <= 0) continue;
    if (k.reservedRole !== null && !allocatableTo(k, role.name)) continue;
    if (k.revocable && (mask & CAP_REVOCABLE) === 0) continue;
    if (k.refined && (mask & CAP_REFINEMENT) === 0) continue;
    if (k.shared) c.push(e, 1, agent.totalAmount[e]!, null);
    else if (k.scalar) c.push(e, available[e]!, available[e]!, null);
    else c.push(e, 0, available[e]!, agent.availableValue[e]!);
  }
  const top = role.top;
  if (top.quota?.limited) chopToLimits(c, ctx.names, agent, top, ctx.scratchA);
  if (ctx.headroom.anyRequired()) holdBackHeadroom(c, ctx, agent, top);
}

function isHeadroomKind(agent: AgentState, e: number): boolean {
  const k = agent.kinds[e]!;
  return k.scalar && k.reservedRole === null && !k.revocable && !k.shared;
}

/** Unreserved non-revocable scalars are cut to what the subtree's quota limits leave. */
function chopToLimits(c: Candidate, names: NameTable, agent: AgentState, top: TopRole, taken: QVec): void {
  taken.fill(0, 0, names.size);
  for (let i = 0; i < c.len; i++) {
    const e = c.entry[i]!;
    if (!isHeadroomKind(agent, e)) continue;
    const k = agent.kinds[e]!;
    const left = Headroom.limitLeft(top, k.nameId) - taken[k.nameId]!;
    const amount = c.amount[i]!;
    if (amount <= left) {
      taken[k.nameId] += amount;
      continue;
    }
    if (left > 0 && k.divisible) {
      c.amount[i] = left;
      c.quantity[i] = left;
      taken[k.nameId] += left;
    } else {
      c.drop(i--);
    }
  }
}

/**
 * Mesos holds back all of the offer's unreserved non-revocable scalars if taking them would leave
 * less unallocated than the unmet guarantees need. Allocation to a role under a quota role counts
 * toward that quota, so that part of the need is not held back against it.
 */
function holdBackHeadroom(c: Candidate, ctx: CandidateContext, agent: AgentState, top: TopRole): void {
  const n = ctx.names.size;
  const h = ctx.scratchB;
  h.fill(0, 0, n);
  let any = false;
  for (let i = 0; i < c.len; i++) {
    const e = c.entry[i]!;
    if (isHeadroomKind(agent, e)) {
      h[agent.kinds[e]!.nameId] += c.amount[i]!;
      any = true;
    }
  }
  if (!any) return;
  const { free, required } = ctx.headroom;
  const unmet = top.quota?.unmet;
  for (let i = 0; i < n; i++) {
    const need = required[i]!;
    if (need <= 0) continue;
    const own = unmet ? Math.min(unmet[i]!, h[i]!) : 0;
    if (free[i]! - h[i]! < need - own) {
      for (let j = 0; j < c.len; j++) if (isHeadroomKind(agent, c.entry[j]!)) c.drop(j--);
      return;
    }
  }
}

/**
 * Stage 1, for a quota role: its reservations, plus unreserved non-revocable scalars cut to the
 * unmet guarantee (and limits); only if that is not empty, also scalars it has no guarantee for (as
 * far as the headroom surplus and limits allow) and all unreserved non-scalars.
 */
export function buildQuotaCandidate(c: Candidate, ctx: CandidateContext, agent: AgentState, role: RoleState, mask: number): void {
  const scratch = ctx.scratchA;
  const extra = ctx.scratchB;
  const top = role.top;
  const q = top.quota!;
  const kinds = agent.kinds;
  const available = agent.available;
  const n = ctx.names.size;

  if (agent.reservedRoles.has(role.name)) {
    for (let e = 0; e < kinds.length; e++) {
      const k = kinds[e]!;
      if (k.reservedRole !== role.name || k.revocable) continue;
      if (k.refined && (mask & CAP_REFINEMENT) === 0) continue;
      if (k.shared) {
        if ((mask & CAP_SHARED) !== 0 && agent.sharedOffered[e] !== ctx.cycle) c.push(e, 1, agent.totalAmount[e]!, null);
      } else if (available[e]! > 0) {
        if (k.scalar) c.push(e, available[e]!, available[e]!, null);
        else c.push(e, 0, available[e]!, agent.availableValue[e]!);
      }
    }
  }
  let core = c.len;

  const { free, required } = ctx.headroom;
  for (let i = 0; i < n; i++) {
    const left = Headroom.limitLeft(top, i);
    if (q.guarantees[i]! > 0) {
      scratch[i] = Math.min(q.unmet[i]!, left);
      extra[i] = 0;
    } else {
      scratch[i] = 0;
      extra[i] = Math.min(Math.max(0, free[i]! - required[i]!), left);
    }
  }

  const order = agent.repeatedNames ? shuffledEntries(kinds.length, ctx.random) : null;
  const extras: number[] = [];
  for (let x = 0; x < kinds.length; x++) {
    const e = order ? order[x]! : x;
    if (!isHeadroomKind(agent, e)) continue;
    const a = available[e]!;
    if (a <= 0) continue;
    const k = kinds[e]!;
    const guaranteed = q.guarantees[k.nameId]! > 0;
    const limit = guaranteed ? scratch : extra;
    const lim = limit[k.nameId]!;
    if (lim <= 0) continue;
    const take = a <= lim ? a : k.divisible ? lim : 0;
    if (take <= 0) continue;
    limit[k.nameId] -= take;
    if (guaranteed) {
      c.push(e, take, take, null);
      core++;
    } else {
      extras.push(e, take);
    }
  }
  if (core === 0) {
    c.len = 0;
    return;
  }
  for (let i = 0; i < extras.length; i += 2) c.push(extras[i]!, extras[i + 1]!, extras[i + 1]!, null);
  for (let e = 0; e < kinds.length; e++) {
    const k = kinds[e]!;
    if (k.scalar || k.reservedRole !== null || k.revocable || k.shared || available[e]! <= 0) continue;
    c.push(e, 0, available[e]!, agent.availableValue[e]!);
  }
}

function shuffledEntries(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
