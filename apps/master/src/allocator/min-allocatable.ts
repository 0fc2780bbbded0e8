/**
 * `--min_allocatable_resources` and the per-(framework, role) override from
 * FrameworkInfo.offer_filters: a list of alternatives, each a set of minimum quantities (ranges
 * count their values, sets their items). An offer is allocatable if it is non-empty and covers
 * one alternative; an empty list accepts anything non-empty. Rules are compiled to name ids and
 * fixed-point amounts once, so checking one is a few array reads.
 */
import { toFixed, type Quantities } from "@mesos/core";
import type { NameTable } from "./quantity-vector.ts";

export interface MinRule {
  readonly alternatives: readonly { readonly ids: Int32Array; readonly amounts: Float64Array }[];
}

export function compileMinRule(list: readonly Quantities[], names: NameTable): MinRule {
  return {
    alternatives: list.map((q) => {
      const entries = [...q].filter(([, amount]) => toFixed(amount) > 0);
      return {
        ids: Int32Array.from(entries, ([name]) => names.id(name)),
        amounts: Float64Array.from(entries, ([, amount]) => toFixed(amount)),
      };
    }),
  };
}

/** Whether per-name quantities `have` (fixed-point, by name id) satisfy the rule. */
export function satisfies(rule: MinRule, have: Float64Array): boolean {
  const alts = rule.alternatives;
  if (alts.length === 0) return true;
  for (let a = 0; a < alts.length; a++) {
    const { ids, amounts } = alts[a]!;
    let ok = true;
    for (let i = 0; i < ids.length && ok; i++) ok = have[ids[i]!]! >= amounts[i]!;
    if (ok) return true;
  }
  return false;
}
