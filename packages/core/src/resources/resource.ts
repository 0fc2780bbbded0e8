/**
 * Rules for a single Resource: its identity (which resources merge when added), its reservation
 * stack, and value arithmetic by type. `Resources` (resources.ts) builds on these.
 */
import { create, toJsonString } from "@bufbuild/protobuf";
import {
  type Labels,
  type Resource,
  type Resource_ReservationInfo,
  type Resource_DiskInfo,
  Resource_DiskInfo_PersistenceSchema,
  Resource_DiskInfo_Source_Type,
  Resource_DiskInfo_SourceSchema,
  Resource_ReservationInfo_Type,
  ResourceSchema,
  Value_RangesSchema,
  Value_ScalarSchema,
  Value_SetSchema,
  Value_Type,
} from "@mesos/proto";
import { copyMessage } from "./copy-message.ts";
import { addRanges, coalesce, countRanges, type Interval, rangesContain, subtractRanges } from "./ranges.ts";
import { addScalars, roundScalar, subtractScalars, toFixed } from "./scalar.ts";
import { addSets, normalizeSet, setContains, subtractSets } from "./sets.ts";

function labelsKey(labels: Labels | undefined): string {
  if (!labels) return "";
  return labels.labels.map((l) => `${l.key}=${l.value ?? ""}`).join(",");
}

function reservationKey(r: Resource_ReservationInfo): string {
  return `${r.type}:${r.role}:${r.principal}:${labelsKey(r.labels)}`;
}

/**
 * A disk's identity is its persistence and source. Its `volume` (container path, mode) is how one
 * task uses it, not part of what it is: Mesos ignores it when comparing, so a task may use a
 * (shared) volume read-only that was created read-write.
 */
function diskKey(disk: Resource_DiskInfo): string {
  const persistence = disk.persistence ? toJsonString(Resource_DiskInfo_PersistenceSchema, disk.persistence) : "";
  const source = disk.source ? toJsonString(Resource_DiskInfo_SourceSchema, disk.source) : "";
  return `{"persistence":${persistence},"source":${source}}`;
}

/** Everything but the value: two resources with the same key are the same kind of resource. */
export function identityKey(r: Resource): string {
  let key = `${r.name}|${r.type}`;
  if (r.allocationInfo) key += `|a:${r.allocationInfo.role}`;
  for (const res of r.reservations) key += `|r:${reservationKey(res)}`;
  if (r.disk) key += `|d:${diskKey(r.disk)}`;
  if (r.revocable) key += "|rev";
  if (r.shared) key += "|shared";
  if (r.providerId) key += `|p:${r.providerId.value}`;
  return key;
}

/**
 * Without reservations, disk, revocable, shared or provider: its identity (identityKey) is only its
 * name, type and allocation role, so it can be matched without building the key.
 */
export function hasPlainIdentity(r: Resource): boolean {
  return r.reservations.length === 0 && r.disk === undefined && r.revocable === undefined && r.shared === undefined && r.providerId === undefined;
}

/**
 * Whether two resources of the same identity merge into one when added. Persistent volumes and
 * exclusive disks (MOUNT, BLOCK, RAW with an id) never merge: they are whole things, not amounts.
 */
export function isMergeable(r: Resource): boolean {
  if (r.shared) return false;
  const disk = r.disk;
  if (!disk) return true;
  if (disk.persistence) return false;
  switch (disk.source?.type) {
    case Resource_DiskInfo_Source_Type.MOUNT:
    case Resource_DiskInfo_Source_Type.BLOCK:
      return false;
    case Resource_DiskInfo_Source_Type.RAW:
      return !disk.source.id;
    default:
      return true;
  }
}

export function cloneResource(r: Resource): Resource {
  return copyMessage(r);
}

export function isEmptyValue(r: Resource): boolean {
  switch (r.type) {
    case Value_Type.SCALAR:
      return toFixed(r.scalar?.value ?? 0) === 0;
    case Value_Type.RANGES:
      return (r.ranges?.range.length ?? 0) === 0;
    case Value_Type.SET:
      return (r.set?.item.length ?? 0) === 0;
    default:
      return true;
  }
}

/** The amount as Mesos counts it for quantities: scalar value, number of range values or set items. */
export function quantityOf(r: Resource): number {
  switch (r.type) {
    case Value_Type.SCALAR:
      return r.scalar?.value ?? 0;
    case Value_Type.RANGES:
      return countRanges(r.ranges?.range ?? []);
    case Value_Type.SET:
      return r.set?.item.length ?? 0;
    default:
      return 0;
  }
}

/**
 * `r` with a new value: a shallow copy that shares the rest (reservations, disk, labels) with `r`.
 * A resource in a bag is never changed in place (whoever changes one copies it deeply first:
 * `Resources.map`), and the deep copy was most of the cost of every resource sum and difference.
 */
function withValue<K extends "scalar" | "ranges" | "set">(r: Resource, key: K, value: Resource[K]): Resource {
  const out = Object.assign(Object.create(Object.getPrototypeOf(r)) as Resource, r);
  out[key] = value;
  return out;
}

function withScalar(r: Resource, value: number): Resource {
  return withValue(r, "scalar", create(Value_ScalarSchema, { value }));
}

function withRanges(r: Resource, range: readonly Interval[]): Resource {
  return withValue(r, "ranges", create(Value_RangesSchema, { range: range.map((i) => ({ begin: i.begin, end: i.end })) }));
}

function withSet(r: Resource, item: string[]): Resource {
  return withValue(r, "set", create(Value_SetSchema, { item }));
}

/** A copy of `a` with the value `a + b` (same identity assumed). */
export function addValues(a: Resource, b: Resource): Resource {
  switch (a.type) {
    case Value_Type.SCALAR:
      return withScalar(a, addScalars(a.scalar?.value ?? 0, b.scalar?.value ?? 0));
    case Value_Type.RANGES:
      return withRanges(a, addRanges(a.ranges?.range ?? [], b.ranges?.range ?? []));
    case Value_Type.SET:
      return withSet(a, addSets(a.set?.item ?? [], b.set?.item ?? []));
    default:
      return cloneResource(a);
  }
}

/** `a - b`, or null if nothing (or less than nothing) is left. */
export function subtractValues(a: Resource, b: Resource): Resource | null {
  let out: Resource;
  switch (a.type) {
    case Value_Type.SCALAR:
      out = withScalar(a, subtractScalars(a.scalar?.value ?? 0, b.scalar?.value ?? 0));
      if (toFixed(out.scalar!.value) < 0) return null;
      break;
    case Value_Type.RANGES:
      out = withRanges(a, subtractRanges(a.ranges?.range ?? [], b.ranges?.range ?? []));
      break;
    case Value_Type.SET:
      out = withSet(a, subtractSets(a.set?.item ?? [], b.set?.item ?? []));
      break;
    default:
      return null;
  }
  return isEmptyValue(out) ? null : out;
}

/** Whether `outer`'s value covers `inner`'s (same identity assumed). */
export function valueContains(outer: Resource, inner: Resource): boolean {
  switch (outer.type) {
    case Value_Type.SCALAR:
      return toFixed(inner.scalar?.value ?? 0) <= toFixed(outer.scalar?.value ?? 0);
    case Value_Type.RANGES:
      return rangesContain(coalesce(outer.ranges?.range ?? []), coalesce(inner.ranges?.range ?? []));
    case Value_Type.SET:
      return setContains(outer.set?.item ?? [], inner.set?.item ?? []);
    default:
      return false;
  }
}

export function valuesEqual(a: Resource, b: Resource): boolean {
  return valueContains(a, b) && valueContains(b, a);
}

/** Brings a value into canonical form: rounded scalar, coalesced ranges, sorted set. */
export function normalizeValue(r: Resource): Resource {
  switch (r.type) {
    case Value_Type.SCALAR:
      return withScalar(r, roundScalar(r.scalar?.value ?? 0));
    case Value_Type.RANGES:
      return withRanges(r, coalesce(r.ranges?.range ?? []));
    case Value_Type.SET:
      return withSet(r, normalizeSet(r.set?.item ?? []));
    default:
      return cloneResource(r);
  }
}

// --- reservations -------------------------------------------------------------------------

export function isReserved(r: Resource, role?: string): boolean {
  if (r.reservations.length === 0) return false;
  return role === undefined || reservationRole(r) === role;
}

export function isUnreserved(r: Resource): boolean {
  return r.reservations.length === 0;
}

/** The role the resource is reserved for (the top of the stack), or `*`. */
export function reservationRole(r: Resource): string {
  const top = r.reservations[r.reservations.length - 1];
  return top ? top.role : "*";
}

export function isDynamicallyReserved(r: Resource): boolean {
  const top = r.reservations[r.reservations.length - 1];
  return top?.type === Resource_ReservationInfo_Type.DYNAMIC;
}

export function isStaticallyReserved(r: Resource): boolean {
  return r.reservations.length > 0 && r.reservations.every((x) => x.type === Resource_ReservationInfo_Type.STATIC);
}

export function isPersistentVolume(r: Resource): boolean {
  return r.disk?.persistence !== undefined;
}

export function isRevocable(r: Resource): boolean {
  return r.revocable !== undefined;
}

export function isShared(r: Resource): boolean {
  return r.shared !== undefined;
}
