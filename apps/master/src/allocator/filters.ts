/**
 * Refusal filters (DECLINE / unused part of an ACCEPT with refuse_seconds > 0), one list per
 * (framework, role, agent) on the FrameworkRole. A filter hides a candidate offer only if the
 * refused resources contain it, so a bigger offer still goes out. It lives max(refuse_seconds,
 * allocation interval); expired filters are dropped lazily when met, and by a periodic sweep.
 */
import type { AgentState } from "./agent-state.ts";
import type { Candidate } from "./candidate.ts";
import type { FrameworkRole } from "./framework-state.ts";
import type { Kind } from "./resource-kinds.ts";
import { containsValue, type NonScalar } from "./value-ops.ts";

export class OfferFilter {
  constructor(
    readonly expiresAt: number,
    readonly kinds: Kind[],
    /** Scalars: fixed-point amount; shared: copies. */
    readonly amounts: number[],
    readonly values: (NonScalar | null)[],
  ) {}

  covers(c: Candidate, agent: AgentState): boolean {
    const kinds = this.kinds;
    for (let i = 0; i < c.len; i++) {
      const kind = agent.kinds[c.entry[i]!]!;
      let j = 0;
      while (j < kinds.length && kinds[j] !== kind) j++;
      if (j === kinds.length) return false;
      const v = c.value[i];
      if (v !== null && v !== undefined) {
        if (!containsValue(this.values[j]!, v)) return false;
      } else if (this.amounts[j]! < c.amount[i]!) {
        return false;
      }
    }
    return true;
  }
}

export function addFilter(fr: FrameworkRole, agent: AgentState, filter: OfferFilter): void {
  fr.filters ??= new Map();
  const list = fr.filters.get(agent);
  if (list) list.push(filter);
  else fr.filters.set(agent, [filter]);
}

export function isFiltered(fr: FrameworkRole, agent: AgentState, c: Candidate, now: number): boolean {
  const map = fr.filters;
  if (map === null) return false;
  const list = map.get(agent);
  if (list === undefined) return false;
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    if (f.expiresAt <= now) {
      list.splice(i--, 1);
      continue;
    }
    if (f.covers(c, agent)) return true;
  }
  if (list.length === 0) {
    map.delete(agent);
    if (map.size === 0) fr.filters = null;
  }
  return false;
}

/** Drops expired filters of one FrameworkRole. */
export function sweepFilters(fr: FrameworkRole, now: number): void {
  const map = fr.filters;
  if (map === null) return;
  for (const [agent, list] of map) {
    const live = list.filter((f) => f.expiresAt > now);
    if (live.length === 0) map.delete(agent);
    else if (live.length !== list.length) map.set(agent, live);
  }
  if (map.size === 0) fr.filters = null;
}

export function countFilters(fr: FrameworkRole): number {
  let n = 0;
  if (fr.filters) for (const list of fr.filters.values()) n += list.length;
  return n;
}
