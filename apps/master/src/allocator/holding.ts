/**
 * What one (framework, role) holds on one agent, per agent entry: a fixed-point amount for scalars,
 * a number of copies for shared resources, the values that came in for ranges and sets (merged
 * lazily: a value offered whole usually comes back whole, the same object, and is then taken out
 * by identity instead of range arithmetic). Holdings are what recovery gives back, what removing a
 * framework or agent releases, and what an agent's available resources are computed from.
 */
import { addValue, isEmptyValue, type NonScalar, subtractValue } from "./value-ops.ts";

export class Holding {
  amounts: Float64Array;
  parts: (NonScalar[] | null)[];
  /** Entries with something held. */
  size = 0;
  /** The cycle and output index of this holding's offer, to merge two offers made in one cycle. */
  offerCycle = -1;
  offerIndex = -1;

  constructor(entries: number) {
    this.amounts = new Float64Array(entries);
    this.parts = new Array<NonScalar[] | null>(entries).fill(null);
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  holds(e: number): boolean {
    return this.amounts[e]! > 0 || this.parts[e] !== null;
  }

  addAmount(e: number, amount: number): void {
    if (amount <= 0) return;
    if (!this.holds(e)) this.size++;
    this.amounts[e] += amount;
  }

  addValue(e: number, value: NonScalar): void {
    const parts = this.parts[e];
    if (parts) parts.push(value);
    else {
      if (!this.holds(e)) this.size++;
      this.parts[e] = [value];
    }
  }

  /** Removes up to `amount`; returns how much was removed. */
  takeAmount(e: number, amount: number): number {
    const held = this.amounts[e]!;
    if (held <= 0) return 0;
    const removed = Math.min(held, amount);
    this.amounts[e] = held - removed;
    if (!this.holds(e)) this.size--;
    return removed;
  }

  /** Removes what of `value` is held; returns it (null if nothing). */
  takeValue(e: number, value: NonScalar): NonScalar | null {
    const parts = this.parts[e];
    if (!parts) return null;
    let removed: NonScalar | null = value;
    const i = parts.indexOf(value);
    if (i !== -1) {
      parts.splice(i, 1);
    } else {
      const held = this.valueAt(e)!;
      const taken = subtractValue(held, subtractValue(held, value));
      const left = subtractValue(held, taken);
      parts.length = 0;
      if (!isEmptyValue(left)) parts.push(left);
      removed = isEmptyValue(taken) ? null : taken;
    }
    if (parts.length === 0) {
      this.parts[e] = null;
      if (!this.holds(e)) this.size--;
    }
    return removed;
  }

  /** The whole value held at a non-scalar entry. */
  valueAt(e: number): NonScalar | null {
    const parts = this.parts[e];
    if (!parts) return null;
    if (parts.length > 1) {
      let merged = parts[0]!;
      for (let i = 1; i < parts.length; i++) merged = addValue(merged, parts[i]!);
      parts.length = 1;
      parts[0] = merged;
    }
    return parts[0]!;
  }
}
