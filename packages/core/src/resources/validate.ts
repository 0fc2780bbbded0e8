/**
 * Validation of single resources, following Resources::validate in Mesos: an error message naming
 * the resource and what is wrong, or undefined.
 */
import { type Resource, Resource_ReservationInfo_Type, Value_Type } from "@mesos/proto";
import { isStrictSubroleOf, validateRole } from "./roles.ts";
import { isDynamicallyReserved } from "./resource.ts";

export function validateResource(r: Resource): string | undefined {
  if (r.name === "") return "Empty resource name";
  const what = `resource '${r.name}'`;
  switch (r.type) {
    case Value_Type.SCALAR: {
      if (!r.scalar || r.ranges || r.set) return `Invalid scalar ${what}: expected only a scalar value`;
      const v = r.scalar.value;
      if (!Number.isFinite(v)) return `Invalid scalar ${what}: value ${v} is not a finite number`;
      if (v < 0) return `Invalid scalar ${what}: value ${v} is negative`;
      break;
    }
    case Value_Type.RANGES: {
      if (!r.ranges || r.scalar || r.set) return `Invalid ranges ${what}: expected only a ranges value`;
      for (const range of r.ranges.range) {
        if (range.begin > range.end) return `Invalid ranges ${what}: range ${range.begin}-${range.end} begins after it ends`;
      }
      break;
    }
    case Value_Type.SET: {
      if (!r.set || r.scalar || r.ranges) return `Invalid set ${what}: expected only a set value`;
      if (new Set(r.set.item).size !== r.set.item.length) return `Invalid set ${what}: duplicate items`;
      break;
    }
    default:
      return `Invalid ${what}: unsupported value type ${Value_Type[r.type] ?? r.type}`;
  }

  let previousRole: string | undefined;
  for (const [i, res] of r.reservations.entries()) {
    if (res.type !== Resource_ReservationInfo_Type.STATIC && res.type !== Resource_ReservationInfo_Type.DYNAMIC) {
      return `Invalid reservation ${i} of ${what}: type must be STATIC or DYNAMIC`;
    }
    if (res.type === Resource_ReservationInfo_Type.STATIC && i > 0) {
      return `Invalid reservation ${i} of ${what}: only the first reservation may be STATIC`;
    }
    if (res.role === "*") return `Invalid reservation ${i} of ${what}: cannot reserve for role '*'`;
    const roleError = validateRole(res.role);
    if (roleError) return `Invalid reservation ${i} of ${what}: ${roleError}`;
    if (previousRole !== undefined && !isStrictSubroleOf(res.role, previousRole)) {
      return `Invalid reservation ${i} of ${what}: role '${res.role}' must be a strict subrole of '${previousRole}'`;
    }
    previousRole = res.role;
  }

  if (r.disk && r.name !== "disk") return `DiskInfo should not be set for ${what}`;
  if (r.shared && !r.disk?.persistence) return `Invalid ${what}: only persistent volumes can be shared`;
  if (r.revocable && isDynamicallyReserved(r)) return `Invalid ${what}: revocable resources cannot be dynamically reserved`;
  return undefined;
}

/** Validates a list; the message of the first bad resource, prefixed with its position. */
export function validateResources(resources: Iterable<Resource>): string | undefined {
  const types = new Map<string, Value_Type>();
  let _i = 0;
  for (const r of resources) {
    const error = validateResource(r);
    if (error) return error;
    const seen = types.get(r.name);
    if (seen !== undefined && seen !== r.type) {
      return `Resources with the same name ('${r.name}') but different types are not allowed`;
    }
    types.set(r.name, r.type);
    _i++;
  }
  return undefined;
}
