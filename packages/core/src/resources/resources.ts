/**
 * A bag of resources with Mesos's arithmetic (src/common/resources.cpp): resources of the same
 * identity merge when added, subtraction never goes below zero, and `contains` asks whether every
 * resource of the other bag fits. Values are immutable: every operation returns a new bag.
 */
import { create } from "@bufbuild/protobuf";
import {
  type Resource,
  type Resource_ReservationInfo,
  Resource_AllocationInfoSchema,
  Resource_ReservationInfoSchema,
  Value_Type,
} from "@mesos/proto";
import { isStrictSubroleOf } from "./roles.ts";
import {
  addValues,
  cloneResource,
  hasPlainIdentity,
  identityKey,
  isDynamicallyReserved,
  isEmptyValue,
  isMergeable,
  isPersistentVolume,
  isReserved,
  isRevocable,
  isShared,
  isUnreserved,
  normalizeValue,
  quantityOf,
  reservationRole,
  subtractValues,
  valueContains,
  valuesEqual,
} from "./resource.ts";
import { formatResource } from "./format.ts";
import { addScalars } from "./scalar.ts";

interface Entry {
  readonly key: string;
  readonly resource: Resource;
  /** How many copies of a shared resource this bag holds (1 for everything else). */
  readonly count: number;
}

export class Resources implements Iterable<Resource> {
  private constructor(private readonly entries: readonly Entry[]) {}

  static readonly EMPTY = new Resources([]);

  /** Builds a bag, merging what merges. Values are normalized (rounded, coalesced). */
  static of(resources: Iterable<Resource>): Resources {
    let bag: Entry[] = [];
    for (const r of resources) {
      // A plain scalar finds the entry it adds to without its key (building and comparing keys was
      // most of summing the tasks of a re-registering agent); it has one only if the bag does not.
      if (r.type === Value_Type.SCALAR && hasPlainIdentity(r)) {
        const same = plainScalarEntryOf(bag, r);
        if (same) {
          if (!isEmptyValue(r)) same.resource.scalar!.value = addScalars(same.resource.scalar!.value, r.scalar!.value);
          continue;
        }
      }
      const key = identityKey(r);
      // A scalar of a kind already in this new bag adds up in place, uncopied: the bag holds this
      // call's own copies (summing many tasks' resources made a copy per addition, then a copy per
      // resource; a re-registering agent's tasks are summed by the thousand).
      const same = r.type === Value_Type.SCALAR && isMergeable(r) ? entryOf(bag, key) : undefined;
      if (same && !isEmptyValue(r)) {
        same.resource.scalar!.value = addScalars(same.resource.scalar!.value, r.scalar!.value);
        continue;
      }
      bag = addEntry(bag, { key, resource: normalizeValue(r), count: 1 });
    }
    return new Resources(bag);
  }

  /**
   * A bag from resources that are already normalized (rounded, coalesced) and pairwise distinct in
   * identity, without merging or copying them: the hot path for code that built them itself (the
   * allocator's offers). `keys` are their `identityKey`s if the caller has them cached.
   */
  static fromNormalized(resources: readonly Resource[], keys?: readonly string[]): Resources {
    return new Resources(resources.map((resource, i) => ({ key: keys?.[i] ?? identityKey(resource), resource, count: 1 })));
  }

  [Symbol.iterator](): Iterator<Resource> {
    return this.entries.map((e) => e.resource)[Symbol.iterator]();
  }

  /** Copies of the resources, safe to put into messages. */
  toArray(): Resource[] {
    return this.entries.map((e) => cloneResource(e.resource));
  }

  get size(): number {
    return this.entries.length;
  }

  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  plus(other: Resources | Iterable<Resource>): Resources {
    const others = other instanceof Resources ? other.entries : Resources.of(other).entries;
    let bag = [...this.entries];
    for (const e of others) bag = addEntry(bag, e);
    return new Resources(bag);
  }

  /** Removes what `other` holds; anything not present (or a larger amount) is clamped at zero. */
  minus(other: Resources | Iterable<Resource>): Resources {
    const others = other instanceof Resources ? other.entries : Resources.of(other).entries;
    let bag = [...this.entries];
    for (const e of others) bag = subtractEntry(bag, e);
    return new Resources(bag);
  }

  contains(other: Resources | Iterable<Resource>): boolean {
    const others = other instanceof Resources ? other : Resources.of(other);
    // Subtracting piece by piece handles one big resource covering several small ones.
    let remaining: readonly Entry[] = this.entries;
    for (const e of others.entries) {
      if (!entryFits(remaining, e)) return false;
      remaining = subtractEntry([...remaining], e);
    }
    return true;
  }

  equals(other: Resources): boolean {
    return this.contains(other) && other.contains(this);
  }

  filter(predicate: (r: Resource) => boolean): Resources {
    return new Resources(this.entries.filter((e) => predicate(e.resource)));
  }

  /** Rebuilds the bag from `fn` applied to a private copy of each resource (which `fn` may mutate). */
  map(fn: (r: Resource) => Resource): Resources {
    return Resources.of(this.entries.map((e) => fn(cloneResource(e.resource))));
  }

  /** Sum of the scalar values of resources with this name (0 if none). */
  scalar(name: string): number {
    let fixed = 0;
    for (const e of this.entries) if (e.resource.name === name && e.resource.scalar) fixed += Math.round(e.resource.scalar.value * 1000);
    return fixed / 1000;
  }

  names(): string[] {
    return [...new Set(this.entries.map((e) => e.resource.name))];
  }

  /** Quantities by name: scalar sums, number of range values, number of set items. */
  quantities(): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.entries) {
      const fixed = Math.round((out.get(e.resource.name) ?? 0) * 1000 + Math.round(quantityOf(e.resource) * 1000));
      out.set(e.resource.name, fixed / 1000);
    }
    return out;
  }

  reserved(role?: string): Resources {
    return this.filter((r) => isReserved(r, role));
  }

  unreserved(): Resources {
    return this.filter(isUnreserved);
  }

  /** What a framework in `role` may use: unreserved, or reserved to the role or one of its ancestors. */
  allocatableTo(role: string): Resources {
    return this.filter((r) => {
      if (isUnreserved(r)) return true;
      const owner = reservationRole(r);
      return owner === role || isStrictSubroleOf(role, owner);
    });
  }

  revocable(): Resources {
    return this.filter(isRevocable);
  }

  nonRevocable(): Resources {
    return this.filter((r) => !isRevocable(r));
  }

  persistentVolumes(): Resources {
    return this.filter(isPersistentVolume);
  }

  dynamicallyReserved(): Resources {
    return this.filter(isDynamicallyReserved);
  }

  shared(): Resources {
    return this.filter(isShared);
  }

  nonShared(): Resources {
    return this.filter((r) => !isShared(r));
  }

  /** Marks every resource as allocated to `role` (AllocationInfo), as offers carry it. */
  allocate(role: string): Resources {
    return this.map((r) => {
      r.allocationInfo = create(Resource_AllocationInfoSchema, { role });
      return r;
    });
  }

  /** Drops AllocationInfo, giving the agent-side view. */
  unallocate(): Resources {
    return this.map((r) => {
      r.allocationInfo = undefined;
      return r;
    });
  }

  /** Adds a reservation on top of each resource's stack (RESERVE / refinement). */
  pushReservation(reservation: Resource_ReservationInfo): Resources {
    return this.map((r) => {
      r.reservations.push(create(Resource_ReservationInfoSchema, reservation));
      return r;
    });
  }

  /** Removes the top reservation of each resource (UNRESERVE). */
  popReservation(): Resources {
    return this.map((r) => {
      r.reservations.pop();
      return r;
    });
  }

  toString(): string {
    return this.entries.map((e) => formatResource(e.resource)).join("; ");
  }
}

/** The entry of a plain scalar's identity, if the bag has one (then their keys are equal). */
function plainScalarEntryOf(bag: readonly Entry[], r: Resource): Entry | undefined {
  const role = r.allocationInfo === undefined ? undefined : r.allocationInfo.role;
  for (let i = 0; i < bag.length; i++) {
    const e = bag[i]!.resource;
    if (e.type !== Value_Type.SCALAR || e.name !== r.name || !hasPlainIdentity(e)) continue;
    if (
      (e.allocationInfo === undefined ? undefined : e.allocationInfo.role) === role &&
      (e.allocationInfo === undefined) === (r.allocationInfo === undefined)
    )
      return bag[i];
  }
  return undefined;
}

/** The entry of that identity, by a loop (with `find` and a closure, summing ten scalars took 4.5-6.3 µs, now 2.6-4.8). */
function entryOf(bag: readonly Entry[], key: string): Entry | undefined {
  for (let i = 0; i < bag.length; i++) if (bag[i]!.key === key) return bag[i];
  return undefined;
}

function addEntry(bag: Entry[], e: Entry): Entry[] {
  if (isEmptyValue(e.resource)) return bag;
  const i = bag.findIndex((x) => x.key === e.key);
  if (i === -1) return [...bag, e];
  const existing = bag[i]!;
  if (isShared(e.resource)) {
    if (!valuesEqual(existing.resource, e.resource)) return [...bag, e];
    return bag.with(i, { ...existing, count: existing.count + e.count });
  }
  if (!isMergeable(e.resource)) return [...bag, e];
  return bag.with(i, { ...existing, resource: addValues(existing.resource, e.resource) });
}

function subtractEntry(bag: Entry[], e: Entry): Entry[] {
  const i = bag.findIndex((x) => x.key === e.key && (isMergeable(x.resource) || valuesEqual(x.resource, e.resource)));
  if (i === -1) return bag;
  const existing = bag[i]!;
  if (isShared(existing.resource)) {
    const count = existing.count - e.count;
    return count > 0 ? bag.with(i, { ...existing, count }) : bag.toSpliced(i, 1);
  }
  if (!isMergeable(existing.resource)) return bag.toSpliced(i, 1);
  const left = subtractValues(existing.resource, e.resource);
  return left ? bag.with(i, { ...existing, resource: left }) : bag.toSpliced(i, 1);
}

function entryFits(bag: readonly Entry[], e: Entry): boolean {
  return bag.some((x) => {
    if (x.key !== e.key) return false;
    if (isShared(x.resource)) return valuesEqual(x.resource, e.resource) && x.count >= e.count;
    if (!isMergeable(x.resource)) return valuesEqual(x.resource, e.resource);
    return valueContains(x.resource, e.resource);
  });
}
