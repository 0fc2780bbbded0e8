/**
 * The candidate offer for one (agent, role, framework capabilities): which agent entries, and how
 * much of each, the framework would get, as in the two stages of Mesos's `__allocate`. It lives in
 * reused typed arrays (no Resources, no allocation per try), and the loop keeps one around: every
 * framework of a role with the same capabilities sees the same candidate until something is
 * allocated, so a scan past many filtered frameworks computes it once.
 */
import type { AgentState } from "./agent-state.ts";
import { type MinRule, satisfies } from "./min-allocatable.ts";
import type { NameTable } from "./quantity-vector.ts";
import type { RoleState } from "./role-state.ts";
import type { NonScalar } from "./value-ops.ts";

export const STAGE_QUOTA = 1;
export const STAGE_FAIR = 2;

export class Candidate {
  len = 0;
  entry = new Int32Array(8);
  /** Scalars: fixed-point amount. Shared: copies (1). Non-scalars: 0 (the value says it). */
  amount = new Float64Array(8);
  /** Quantity toward minimum offer sizes (fixed-point; values x 1000 for ranges and sets). */
  quantity = new Float64Array(8);
  value: (NonScalar | null)[] = [];

  /** What the candidate was computed for (see `matches`). */
  agent: AgentState | null = null;
  seq = -1;
  stage = 0;
  roleKey: RoleState | null = null;
  mask = -1;

  private lastRule: MinRule | null = null;
  private lastResult = false;
  private sums = new Float64Array(16);

  matches(agent: AgentState, seq: number, stage: number, roleKey: RoleState | null, mask: number): boolean {
    return this.agent === agent && this.seq === seq && this.stage === stage && this.roleKey === roleKey && this.mask === mask;
  }

  begin(agent: AgentState, seq: number, stage: number, roleKey: RoleState | null, mask: number): void {
    this.agent = agent;
    this.seq = seq;
    this.stage = stage;
    this.roleKey = roleKey;
    this.mask = mask;
    this.len = 0;
    this.lastRule = null;
  }

  invalidate(): void {
    this.agent = null;
  }

  push(e: number, amount: number, quantity: number, value: NonScalar | null): void {
    const i = this.len++;
    if (i >= this.entry.length) this.grow();
    this.entry[i] = e;
    this.amount[i] = amount;
    this.quantity[i] = quantity;
    this.value[i] = value;
  }

  /** Drops piece `i` (order is not significant). */
  drop(i: number): void {
    const last = --this.len;
    this.entry[i] = this.entry[last]!;
    this.amount[i] = this.amount[last]!;
    this.quantity[i] = this.quantity[last]!;
    this.value[i] = this.value[last]!;
  }

  /** Non-empty and covering one of the rule's alternatives. Cached per rule. */
  allocatable(rule: MinRule, names: NameTable): boolean {
    if (this.len === 0) return false;
    if (rule === this.lastRule) return this.lastResult;
    let ok = rule.alternatives.length === 0;
    if (!ok) {
      if (this.sums.length < names.capacity) this.sums = new Float64Array(names.capacity);
      const sums = this.sums;
      sums.fill(0, 0, names.size);
      const kinds = this.agent!.kinds;
      for (let i = 0; i < this.len; i++) sums[kinds[this.entry[i]!]!.nameId] += this.quantity[i]!;
      ok = satisfies(rule, sums);
    }
    this.lastRule = rule;
    this.lastResult = ok;
    return ok;
  }

  private grow(): void {
    const size = this.entry.length * 2;
    const entry = new Int32Array(size);
    entry.set(this.entry);
    const amount = new Float64Array(size);
    amount.set(this.amount);
    const quantity = new Float64Array(size);
    quantity.set(this.quantity);
    this.entry = entry;
    this.amount = amount;
    this.quantity = quantity;
  }
}
