/**
 * One agent as the allocator sees it: its total split into entries (one per distinct resource,
 * each of an interned kind), what is still available of each entry as a fixed-point number (plus
 * the value itself for ranges and sets), and the holdings of the frameworks on it. The allocation
 * loop reads only these flat arrays; `Resources` appear only when the total changes.
 */
import type { Resources } from "@mesos/core";
import type { AgentCapabilities, AllocatorAgent } from "./allocator.ts";
import type { FrameworkRole } from "./framework-state.ts";
import type { Holding } from "./holding.ts";
import type { Kind, KindTable } from "./resource-kinds.ts";
import { countOf, isEmptyValue, type NonScalar, subtractValue, addValue } from "./value-ops.ts";

/** Why a framework may not get an agent: bits an agent has and a framework must not mind. */
export const AGENT_HAS_GPUS = 1;
export const AGENT_IS_REMOTE = 2;
export const AGENT_NOT_MULTI_ROLE = 4;

export class AgentState {
  active = true;
  hostname: string;
  region: string | undefined;
  capabilities: AgentCapabilities;
  total!: Resources;
  /** AGENT_* bits. */
  exclusion = 0;
  readonly holdings = new Map<FrameworkRole, Holding>();
  /** Position in the allocator's list of active agents (-1 when inactive). */
  activeIndex = -1;

  kinds: Kind[] = [];
  /** Scalars: fixed-point amount. Non-scalars: number of values x 1000. Shared: the volume size. */
  totalAmount = new Float64Array(0);
  available = new Float64Array(0);
  totalValue: (NonScalar | null)[] = [];
  availableValue: (NonScalar | null)[] = [];
  /** Cycle in which each shared entry was last offered (shared resources go out once a cycle). */
  sharedOffered: number[] = [];
  /** Non-shared entries with something available: 0 means nothing is left to offer. */
  availableCount = 0;
  sharedCount = 0;
  hasReserved = false;
  /** Some framework capability (revocable, refinement, shared) changes what this agent offers. */
  capabilityMask = 0;
  /** Unreserved non-revocable scalar names repeat (stage 1 then picks at random, as Mesos does). */
  repeatedNames = false;
  /** Entries reserved to exactly this role, by role. */
  readonly reservedRoles = new Map<string, number>();

  constructor(
    readonly id: string,
    info: AllocatorAgent,
  ) {
    this.hostname = info.hostname;
    this.region = info.region;
    this.capabilities = info.capabilities;
  }

  /** Rebuilds the entries from a new total; what holdings hold is not available. */
  setTotal(total: Resources, kinds: KindTable, capRevocable: number, capRefinement: number, capShared: number): void {
    this.total = total;
    const list = [...total];
    const n = list.length;
    this.kinds = new Array<Kind>(n);
    this.totalAmount = new Float64Array(n);
    this.available = new Float64Array(n);
    this.totalValue = new Array<NonScalar | null>(n).fill(null);
    this.availableValue = new Array<NonScalar | null>(n).fill(null);
    this.sharedOffered = new Array<number>(n).fill(-1);
    this.reservedRoles.clear();
    this.hasReserved = false;
    this.capabilityMask = 0;
    this.sharedCount = 0;
    const seenNames = new Set<number>();
    this.repeatedNames = false;
    for (let e = 0; e < n; e++) {
      const r = list[e]!;
      const kind = kinds.of(r);
      this.kinds[e] = kind;
      if (kind.scalar) {
        this.totalAmount[e] = Math.round((r.scalar?.value ?? 0) * 1000);
      } else {
        const value = (r.ranges ?? r.set)!;
        this.totalValue[e] = value;
        this.totalAmount[e] = countOf(value) * 1000;
      }
      if (kind.reservedRole !== null) {
        this.hasReserved = true;
        this.reservedRoles.set(kind.reservedRole, (this.reservedRoles.get(kind.reservedRole) ?? 0) + 1);
      }
      if (kind.revocable) this.capabilityMask |= capRevocable;
      if (kind.refined) this.capabilityMask |= capRefinement;
      if (kind.shared) {
        this.capabilityMask |= capShared;
        this.sharedCount++;
      }
      if (kind.scalar && kind.reservedRole === null && !kind.revocable && !kind.shared) {
        if (seenNames.has(kind.nameId)) this.repeatedNames = true;
        seenNames.add(kind.nameId);
      }
    }
    this.recomputeAvailable();
  }

  /** available = total - what holdings hold (shared entries stay available: they are re-offerable). */
  recomputeAvailable(): void {
    const heldAmount = new Map<Kind, number>();
    const heldValue = new Map<Kind, NonScalar>();
    for (const holding of this.holdings.values()) {
      for (const [kind, piece] of holding.pieces) {
        if (kind.shared) continue;
        if (piece.value !== null) {
          const prev = heldValue.get(kind);
          heldValue.set(kind, prev ? addValue(prev, piece.value) : piece.value);
        } else {
          heldAmount.set(kind, (heldAmount.get(kind) ?? 0) + piece.amount);
        }
      }
    }
    this.availableCount = 0;
    for (let e = 0; e < this.kinds.length; e++) {
      const kind = this.kinds[e]!;
      if (kind.shared) {
        this.available[e] = this.totalAmount[e]!;
        continue;
      }
      if (kind.scalar) {
        const held = heldAmount.get(kind) ?? 0;
        const taken = Math.min(held, this.totalAmount[e]!);
        if (held > 0) heldAmount.set(kind, held - taken);
        this.available[e] = this.totalAmount[e]! - taken;
      } else {
        const held = heldValue.get(kind);
        const value = held ? subtractValue(this.totalValue[e]!, held) : this.totalValue[e]!;
        this.availableValue[e] = value;
        this.available[e] = countOf(value) * 1000;
      }
      if (this.available[e]! > 0) this.availableCount++;
    }
  }

  /** The entry holding resources of this kind (one with room for `amount` when kinds repeat). */
  entryOf(kind: Kind): number {
    for (let e = 0; e < this.kinds.length; e++) if (this.kinds[e] === kind) return e;
    return -1;
  }

  /** Takes an amount (scalar) or a value (non-scalar) out of an entry's available resources. */
  take(e: number, amount: number, value: NonScalar | null): void {
    const before = this.available[e]!;
    if (value !== null) {
      const left = subtractValue(this.availableValue[e]!, value);
      this.availableValue[e] = left;
      this.available[e] = isEmptyValue(left) ? 0 : countOf(left) * 1000;
    } else {
      this.available[e] = before - amount;
    }
    if (before > 0 && this.available[e]! <= 0) this.availableCount--;
  }

  /** Puts an amount or value back (never above the total). */
  give(e: number, amount: number, value: NonScalar | null): void {
    const before = this.available[e]!;
    if (value !== null) {
      const cur = this.availableValue[e]!;
      const merged = isEmptyValue(cur) ? value : addValue(cur, value);
      this.availableValue[e] = merged;
      this.available[e] = countOf(merged) * 1000;
    } else {
      this.available[e] = Math.min(this.totalAmount[e]!, before + amount);
    }
    if (before <= 0 && this.available[e]! > 0) this.availableCount++;
  }

  /** Nothing left that anyone could be offered this cycle. */
  exhausted(cycle: number): boolean {
    if (this.availableCount > 0) return false;
    if (this.sharedCount === 0) return true;
    for (let e = 0; e < this.kinds.length; e++) if (this.kinds[e]!.shared && this.sharedOffered[e] !== cycle) return false;
    return true;
  }
}
