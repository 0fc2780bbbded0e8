/**
 * One agent as the allocator sees it: its total split into entries (one per distinct resource,
 * each of an interned kind), what is still available of each entry as a fixed-point number (plus
 * the value itself for ranges and sets), and the holdings of the frameworks on it. The allocation
 * loop reads only these flat arrays; `Resources` appear only when the total changes.
 */
import type { Resources } from "@mesos/core";
import type { AgentCapabilities, AllocatorAgent } from "./allocator.ts";
import type { OfferFilter } from "./filters.ts";
import type { FrameworkRole } from "./framework-state.ts";
import type { Holding } from "./holding.ts";
import type { Kind, KindTable } from "./resource-kinds.ts";
import { addValue, countOf, isEmptyValue, type NonScalar, subtractValue } from "./value-ops.ts";

/** Why a framework may not get an agent: bits an agent has and a framework must not mind. */
export const AGENT_HAS_GPUS = 1;
export const AGENT_IS_REMOTE = 2;
export const AGENT_NOT_MULTI_ROLE = 4;

let versions = 0;

/** A fresh availability version (never reused, across agents). */
export function newVersion(): number {
  return ++versions;
}

export class AgentState {
  active = true;
  hostname: string;
  region: string | undefined;
  capabilities: AgentCapabilities;
  total!: Resources;
  /** AGENT_* bits. */
  exclusion = 0;
  readonly holdings = new Map<FrameworkRole, Holding>();
  /** Refusal filters on this agent, by FrameworkRole (a chain each). */
  readonly filters = new Map<FrameworkRole, OfferFilter>();
  /** Position in the allocator's list of active agents (-1 when inactive). */
  activeIndex = -1;
  /**
   * Identifies what is available: it changes whenever availability does, except that giving back
   * exactly what the last allocation took restores the version from before it (a declined offer
   * leaves the agent as it was, and filters that refused all of it stay cheap to check).
   */
  version = newVersion();
  /** The last allocation's non-shared pieces and the versions around it. */
  lastTakeBefore = -1;
  lastTakeAfter = -1;
  lastTakeLength = 0;
  lastTakeEntry = new Int32Array(0);
  lastTakeAmount = new Float64Array(0);
  lastTakeValue: (NonScalar | null)[] = [];

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

  /**
   * Rebuilds the entries from a new total; what holdings hold is not available. Holdings move to
   * the new entries of their kinds (callers release pieces of kinds the new total lacks first).
   */
  setTotal(total: Resources, kinds: KindTable, capRevocable: number, capRefinement: number, capShared: number): void {
    const oldKinds = this.kinds;
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
    for (const holding of this.holdings.values()) this.remap(holding, oldKinds);
    this.lastTakeEntry = new Int32Array(n);
    this.lastTakeAmount = new Float64Array(n);
    this.lastTakeValue = new Array<NonScalar | null>(n).fill(null);
    this.recomputeAvailable();
  }

  private remap(holding: Holding, oldKinds: Kind[]): void {
    const old = { amounts: holding.amounts, parts: holding.parts };
    const n = this.kinds.length;
    holding.amounts = new Float64Array(n);
    holding.parts = new Array<NonScalar[] | null>(n).fill(null);
    holding.size = 0;
    for (let e = 0; e < oldKinds.length; e++) {
      const target = this.entryOf(oldKinds[e]!);
      if (target === -1) continue;
      holding.addAmount(target, old.amounts[e]!);
      for (const v of old.parts[e] ?? []) holding.addValue(target, v);
    }
  }

  /** available = total - what holdings hold (shared entries stay available: they are re-offerable). */
  recomputeAvailable(): void {
    this.version = newVersion();
    this.lastTakeAfter = -1;
    this.availableCount = 0;
    for (let e = 0; e < this.kinds.length; e++) {
      const kind = this.kinds[e]!;
      if (kind.shared) {
        this.available[e] = this.totalAmount[e]!;
        continue;
      }
      if (kind.scalar) {
        let held = 0;
        for (const holding of this.holdings.values()) held += holding.amounts[e]!;
        this.available[e] = Math.max(0, this.totalAmount[e]! - held);
      } else {
        let value = this.totalValue[e]!;
        for (const holding of this.holdings.values()) {
          const v = holding.valueAt(e);
          if (v !== null) value = subtractValue(value, v);
        }
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
