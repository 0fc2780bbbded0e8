/**
 * What one (framework, role) holds on one agent, by resource kind: a fixed-point amount for
 * scalars, a value for ranges and sets, a number of copies for shared resources. Holdings are what
 * recovery gives back, what removing a framework or agent releases, and what an agent's available
 * resources are computed from when its total changes.
 */
import type { Kind } from "./resource-kinds.ts";
import { addValue, isEmptyValue, type NonScalar, subtractValue } from "./value-ops.ts";

export interface Piece {
  /** Scalars: fixed-point amount. Shared: copies. Non-scalars: unused (0). */
  amount: number;
  value: NonScalar | null;
}

export class Holding {
  readonly pieces = new Map<Kind, Piece>();
  /** The cycle and output index of this holding's offer, to merge two offers made in one cycle. */
  offerCycle = -1;
  offerIndex = -1;

  add(kind: Kind, amount: number, value: NonScalar | null): void {
    const piece = this.pieces.get(kind);
    if (!piece) {
      this.pieces.set(kind, { amount, value });
      return;
    }
    piece.amount += amount;
    if (value !== null) piece.value = piece.value === null ? value : addValue(piece.value, value);
  }

  /** Removes up to what is held; returns what was actually removed (amount, value). */
  take(kind: Kind, amount: number, value: NonScalar | null): Piece | null {
    const piece = this.pieces.get(kind);
    if (!piece) return null;
    if (value !== null) {
      const held = piece.value!;
      const removed = held === value ? held : subtractValue(held, subtractValue(held, value));
      piece.value = subtractValue(held, removed);
      if (isEmptyValue(piece.value)) this.pieces.delete(kind);
      return isEmptyValue(removed) ? null : { amount: 0, value: removed };
    }
    const removed = Math.min(amount, piece.amount);
    piece.amount -= removed;
    if (piece.amount <= 0) this.pieces.delete(kind);
    return removed > 0 ? { amount: removed, value: null } : null;
  }

  get isEmpty(): boolean {
    return this.pieces.size === 0;
  }
}
