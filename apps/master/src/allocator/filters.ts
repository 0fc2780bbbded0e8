/**
 * Refusal filters (DECLINE / unused part of an ACCEPT with refuse_seconds > 0), per (framework,
 * role, agent). A filter hides a candidate offer only if the refused resources contain it, so a
 * bigger offer still goes out; it lives max(refuse_seconds, allocation interval).
 *
 * Layout is for the scan that checks many frameworks against one agent: filters hang off the agent
 * (`agent.filters`, a chain per FrameworkRole) so the scan stays in one small map, and the
 * FrameworkRole keeps a list only to clear them (REVIVE, deactivation, leaving a role). A filter
 * that refused everything the agent had available records the agent's availability version: while
 * that version holds, any candidate is a subset of what was refused, so the check reads nothing
 * else; a filter found to refuse all of a later availability records that version instead (once a
 * framework took part of an agent, every filter on it would otherwise be checked in full each
 * cycle). Dead and expired filters are unlinked lazily and by a periodic sweep.
 */
import type { Resource } from "@mesos/proto";
import type { AgentState } from "./agent-state.ts";
import type { Candidate } from "./candidate.ts";
import type { FrameworkRole } from "./framework-state.ts";
import type { Kind, KindTable } from "./resource-kinds.ts";
import { addValue, containsValue, type NonScalar } from "./value-ops.ts";

export class OfferFilter {
  alive = true;
  next: OfferFilter | null = null;
  /** The agent's availability version when this filter refused all of it, else -1. */
  version = -1;

  constructor(
    readonly agent: AgentState,
    readonly expiresAt: number,
    readonly kinds: Kind[],
    /** Scalars: fixed-point amount; shared: copies. */
    readonly amounts: number[],
    readonly values: (NonScalar | null)[],
  ) {}

  private indexOf(kind: Kind): number {
    const kinds = this.kinds;
    for (let j = 0; j < kinds.length; j++) if (kinds[j] === kind) return j;
    return -1;
  }

  covers(c: Candidate, agent: AgentState): boolean {
    for (let i = 0; i < c.len; i++) {
      const j = this.indexOf(agent.kinds[c.entry[i]!]!);
      if (j === -1) return false;
      const v = c.value[i];
      if (v !== null && v !== undefined) {
        if (!containsValue(this.values[j]!, v)) return false;
      } else if (this.amounts[j]! < c.amount[i]!) {
        return false;
      }
    }
    return true;
  }

  /** Whether it refuses everything the agent has available now (one copy of each shared entry). */
  coversAllAvailable(agent: AgentState): boolean {
    for (let e = 0; e < agent.kinds.length; e++) {
      const kind = agent.kinds[e]!;
      if (!kind.shared && agent.available[e]! <= 0) continue;
      const j = this.indexOf(kind);
      if (j === -1) return false;
      if (kind.shared) {
        if (this.amounts[j]! < 1) return false;
      } else if (kind.scalar) {
        if (this.amounts[j]! < agent.available[e]!) return false;
      } else if (!containsValue(this.values[j]!, agent.availableValue[e]!)) {
        return false;
      }
    }
    return true;
  }
}

/** A filter refusing exactly these (recovered) resources until `expiresAt`. */
export function filterOf(kindTable: KindTable, agent: AgentState, list: readonly Resource[], expiresAt: number): OfferFilter {
  const kinds: Kind[] = [];
  const amounts: number[] = [];
  const values: (NonScalar | null)[] = [];
  for (const r of list) {
    const kind = kindTable.of(r);
    let j = kinds.indexOf(kind);
    if (j === -1) {
      j = kinds.push(kind) - 1;
      amounts.push(0);
      values.push(null);
    }
    if (kind.shared) amounts[j] = amounts[j]! + 1;
    else if (kind.scalar) amounts[j] = amounts[j]! + Math.round((r.scalar?.value ?? 0) * 1000);
    else {
      const value = (r.ranges ?? r.set)!;
      const prev = values[j];
      values[j] = prev ? addValue(prev, value) : value;
    }
  }
  const filter = new OfferFilter(agent, expiresAt, kinds, amounts, values);
  if (filter.coversAllAvailable(agent)) filter.version = agent.version;
  return filter;
}

export function addFilter(fr: FrameworkRole, agent: AgentState, filter: OfferFilter): void {
  filter.next = agent.filters.get(fr) ?? null;
  agent.filters.set(fr, filter);
  (fr.filters ??= []).push(filter);
}

/** When the filter refusing `c` to `fr` on `agent` expires; 0 when none refuses it. `inFull`: no version shortcut (tests). */
export function filteredUntil(fr: FrameworkRole, agent: AgentState, c: Candidate, now: number, inFull = false): number {
  let prev: OfferFilter | null = null;
  let f = agent.filters.get(fr) ?? null;
  while (f !== null) {
    if (!f.alive || f.expiresAt <= now) {
      f.alive = false;
      const next: OfferFilter | null = f.next;
      if (prev) prev.next = next;
      else if (next) agent.filters.set(fr, next);
      else agent.filters.delete(fr);
      f = next;
      continue;
    }
    if (inFull) {
      if (f.covers(c, agent)) return f.expiresAt;
    } else if (f.version === agent.version) {
      return f.expiresAt;
    } else if (f.covers(c, agent)) {
      // Availability changed since it was made, but it may still refuse all of it (someone took part
      // of what was refused): then the cheap check holds again until the next change.
      if (f.coversAllAvailable(agent)) f.version = agent.version;
      return f.expiresAt;
    }
    prev = f;
    f = f.next;
  }
  return 0;
}

/** Drops all of a FrameworkRole's filters (REVIVE, deactivation, leaving the role). */
export function clearFilters(fr: FrameworkRole): void {
  if (fr.filters === null) return;
  for (const f of fr.filters) {
    if (!f.alive) continue;
    f.alive = false;
    f.agent.filters.delete(fr);
  }
  fr.filters = null;
}

/** Drops a FrameworkRole's dead and expired filters. */
export function sweepFilters(fr: FrameworkRole, now: number): void {
  if (fr.filters === null) return;
  const touched = new Set<AgentState>();
  const live: OfferFilter[] = [];
  for (const f of fr.filters) {
    if (f.alive && f.expiresAt > now) {
      live.push(f);
    } else {
      f.alive = false;
      touched.add(f.agent);
    }
  }
  for (const agent of touched) {
    let head: OfferFilter | null = null;
    for (let f = agent.filters.get(fr) ?? null; f !== null; f = f.next) if (f.alive) head = head ?? f;
    // Relink the survivors of the chain in order.
    let last: OfferFilter | null = null;
    for (let f = head; f !== null; ) {
      const next: OfferFilter | null = f.next;
      if (f.alive) {
        if (last) last.next = f;
        last = f;
      }
      f = next;
    }
    if (last) last.next = null;
    if (head) agent.filters.set(fr, head);
    else agent.filters.delete(fr);
  }
  fr.filters = live.length > 0 ? live : null;
}

export function countFilters(fr: FrameworkRole, now: number): number {
  let n = 0;
  if (fr.filters) for (const f of fr.filters) if (f.alive && f.expiresAt > now) n++;
  return n;
}
