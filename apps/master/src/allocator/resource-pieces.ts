/**
 * From `Resources` at the allocator's boundary (used resources, recovered resources, operations)
 * to pieces over an agent's entries, grouped by the role in their AllocationInfo.
 */
import type { Resources } from "@mesos/core";
import type { Resource } from "@mesos/proto";
import type { AgentState } from "./agent-state.ts";
import { Candidate } from "./candidate.ts";
import type { KindTable } from "./resource-kinds.ts";
import { intersectValue, isEmptyValue } from "./value-ops.ts";

/** Resources by AllocationInfo role; those without one go under `fallback(resource)`. */
export function byRole(resources: Resources, fallback: (r: Resource) => string | undefined): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const r of resources) {
    const role = r.allocationInfo?.role ?? fallback(r);
    if (role === undefined) continue;
    const list = out.get(role);
    if (list) list.push(r);
    else out.set(role, [r]);
  }
  return out;
}

/**
 * The resources as pieces of `agent`'s entries. With `clamp`, only what is available is taken
 * (used resources reported by an agent must not be counted twice or beyond its total). Into `c`
 * if given (a scratch candidate: a declined offer's recovery allocates none).
 */
export function piecesOf(list: readonly Resource[], agent: AgentState, kinds: KindTable, clamp: boolean, c = new Candidate()): Candidate {
  c.begin(agent, -1, 0, null, -1);
  for (const r of list) {
    const kind = kinds.of(r);
    const e = agent.entryOf(kind);
    if (e === -1) continue;
    if (kind.shared) {
      c.push(e, 1, agent.totalAmount[e]!, null);
    } else if (kind.scalar) {
      let amount = Math.round((r.scalar?.value ?? 0) * 1000);
      if (clamp) amount = Math.min(amount, agent.available[e]!);
      if (amount > 0) c.push(e, amount, amount, null);
    } else {
      let value = (r.ranges ?? r.set)!;
      if (clamp) value = intersectValue(agent.availableValue[e]!, value);
      if (!isEmptyValue(value)) c.push(e, 0, 0, value);
    }
  }
  return c;
}
