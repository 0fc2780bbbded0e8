/**
 * A resource "kind" is everything about a Resource except its value and AllocationInfo: name, type,
 * reservation stack, disk info, revocable, shared, provider. Kinds are interned to small integers so
 * the allocator compares and indexes numbers instead of protobuf messages; each kind caches the
 * facts the allocation loop asks about (reserved for which role, refined, revocable, divisible...).
 * Two resources of one kind merge when added, exactly as they do in `Resources` (same identity).
 */
import { toJsonString } from "@bufbuild/protobuf";
import { hasPlainIdentity, isMergeable, isStrictSubroleOf, upgradeResource } from "@mesos/core";
import { type Resource, Resource_DiskInfoSchema, Value_Type } from "@mesos/proto";
import type { NameTable } from "./quantity-vector.ts";

export interface Kind {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly nameId: number;
  readonly type: Value_Type;
  readonly scalar: boolean;
  /** Role of the top reservation, or null when unreserved. */
  readonly reservedRole: string | null;
  /** More than one reservation on the stack (needs RESERVATION_REFINEMENT). */
  readonly refined: boolean;
  readonly revocable: boolean;
  readonly shared: boolean;
  /** Whether a smaller amount of it is still a resource (false for MOUNT/BLOCK disks, volumes). */
  readonly divisible: boolean;
  /** A resource of this kind, for the metadata fields of offers. */
  readonly template: Resource;
  /** Role -> whether this kind may be offered to it (allocatableTo). */
  readonly allocatableCache: Map<string, boolean>;
}

function reservationsKey(r: Resource): string {
  let key = "";
  for (const res of r.reservations) {
    key += `|r:${res.type}:${res.role}:${res.principal}:`;
    if (res.labels) for (const l of res.labels.labels) key += `${l.key}=${l.value ?? ""},`;
  }
  return key;
}

/** The identity of a resource, ignoring its value and AllocationInfo. */
function kindKey(r: Resource): string {
  let key = `${r.name}|${r.type}`;
  if (r.reservations.length > 0) key += reservationsKey(r);
  if (r.disk) key += `|d:${toJsonString(Resource_DiskInfoSchema, r.disk)}`;
  if (r.revocable) key += "|rev";
  if (r.shared) key += "|shared";
  if (r.providerId) key += `|p:${r.providerId.value}`;
  return key;
}

export class KindTable {
  private readonly byKey = new Map<string, Kind>();
  /**
   * Kinds of resource objects already seen: `Resources` never mutates the objects it holds (it
   * clones on write), so an agent's total re-kinded after an operation costs a lookup per resource,
   * not a key built from its disk info (an agent with a storage provider has one kind per volume).
   */
  private readonly byObject = new WeakMap<Resource, Kind>();
  /**
   * Kinds of plain scalars (unreserved, not revocable, shared or from a provider, no disk) by name:
   * their key is their name and type, found without building it (every task resource of every
   * re-registering agent is kinded once or twice).
   */
  private readonly plainScalars = new Map<string, Kind>();
  readonly kinds: Kind[] = [];

  constructor(private readonly names: NameTable) {}

  of(resource: Resource): Kind {
    // Only resources with disk info are remembered: their key is costly (JSON), while a plain
    // resource's is cheaper than the WeakMap entry (every offered resource is recovered once).
    if (resource.disk === undefined) {
      if (!isPlainScalar(resource)) return this.lookup(resource);
      let kind = this.plainScalars.get(resource.name);
      if (!kind) this.plainScalars.set(resource.name, (kind = this.lookup(resource)));
      return kind;
    }
    const seen = this.byObject.get(resource);
    if (seen) return seen;
    const kind = this.lookup(resource);
    this.byObject.set(resource, kind);
    return kind;
  }

  private lookup(resource: Resource): Kind {
    // Pre-refinement format (`role` instead of a reservation stack) is upgraded, as core does on input.
    const r = resource.reservations.length === 0 && resource.role !== "*" && resource.role !== "" ? upgradeResource(resource) : resource;
    const key = kindKey(r);
    let kind = this.byKey.get(key);
    if (!kind) {
      const top = r.reservations[r.reservations.length - 1];
      kind = {
        id: this.kinds.length,
        key,
        name: r.name,
        nameId: this.names.id(r.name),
        type: r.type,
        scalar: r.type === Value_Type.SCALAR,
        reservedRole: top ? top.role : null,
        refined: r.reservations.length > 1,
        revocable: r.revocable !== undefined,
        shared: r.shared !== undefined,
        divisible: isMergeable(r),
        template: r,
        allocatableCache: new Map(),
      };
      this.kinds.push(kind);
      this.byKey.set(key, kind);
    }
    return kind;
  }
}

/** A scalar whose kind key is `${name}|${type}` (nor a pre-refinement `role` to upgrade into a reservation). */
function isPlainScalar(r: Resource): boolean {
  return r.type === Value_Type.SCALAR && hasPlainIdentity(r) && (r.role === "*" || r.role === "");
}

/** Unreserved, or reserved to `role` or one of its ancestors (Resources.allocatableTo). */
export function allocatableTo(kind: Kind, role: string): boolean {
  const owner = kind.reservedRole;
  if (owner === null) return true;
  let ok = kind.allocatableCache.get(role);
  if (ok === undefined) {
    ok = owner === role || isStrictSubroleOf(role, owner);
    kind.allocatableCache.set(role, ok);
  }
  return ok;
}
