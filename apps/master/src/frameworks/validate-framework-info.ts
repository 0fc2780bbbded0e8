/**
 * FrameworkInfo validation in Mesos's order and words. `requiredFrameworkFields` is what protobuf
 * parsing rejects in Mesos (a 400 for the call); `validateFrameworkInfo` is validation::framework
 * (roles vs. MULTI_ROLE, duplicate and invalid roles, the framework id, offer filters), whose error
 * a SUBSCRIBE gets as an ERROR event on its stream.
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { validateInputScalarValue, validateRole } from "@mesos/core";
import { type FrameworkInfo, FrameworkInfo_Capability_Type, FrameworkInfoSchema } from "@mesos/proto";
import { validateId } from "../scheduler/validate-task.ts";

/** Mesos's largest Duration, in seconds (int64 nanoseconds). */
const MAX_FAILOVER_SECONDS = 9_223_372_036;

export function requiredFrameworkFields(info: FrameworkInfo): string | undefined {
  if (!isFieldSet(info, FrameworkInfoSchema.field.user!)) return "Missing required field 'FrameworkInfo.user'";
  if (!isFieldSet(info, FrameworkInfoSchema.field.name!)) return "Missing required field 'FrameworkInfo.name'";
  return undefined;
}

export function validateFrameworkInfo(info: FrameworkInfo): string | undefined {
  return validateRoles(info) ?? validateFrameworkId(info) ?? validateOfferFilters(info);
}

/** Master::subscribe's own check after validation (Duration::create of the timeout). */
export function validateFailoverTimeout(info: FrameworkInfo): string | undefined {
  const f = info.failoverTimeout;
  if (Number.isFinite(f) && Math.abs(f) <= MAX_FAILOVER_SECONDS) return undefined;
  return `The framework failover_timeout (${f}) is invalid`;
}

function validateRoles(info: FrameworkInfo): string | undefined {
  const multiRole = info.capabilities.some((c) => c.type === FrameworkInfo_Capability_Type.MULTI_ROLE);
  if (multiRole) {
    if (isFieldSet(info, FrameworkInfoSchema.field.role!)) {
      return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
    }
    const duplicates = new Set(info.roles.filter((r, i) => info.roles.indexOf(r) !== i));
    if (duplicates.size > 0) return `'FrameworkInfo.roles' contains duplicate items: { ${[...duplicates].join(", ")} }`;
    for (const role of info.roles) {
      const error = validateRole(role);
      if (error) return `'FrameworkInfo.roles' contains invalid role: ${error}`;
    }
    return undefined;
  }
  if (info.roles.length > 0) return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
  const error = validateRole(info.role);
  return error ? `'FrameworkInfo.role' is not a valid role: ${error}` : undefined;
}

function validateFrameworkId(info: FrameworkInfo): string | undefined {
  const id = info.id?.value ?? "";
  return id === "" ? undefined : validateId("Framework", id);
}

function validateOfferFilters(info: FrameworkInfo): string | undefined {
  for (const filters of Object.values(info.offerFilters)) {
    for (const q of filters.minAllocatableResources?.quantities ?? []) {
      const entries = Object.entries(q.quantities);
      if (entries.length === 0) return "Resource quantities must contain at least one quantity";
      for (const [name, scalar] of entries) {
        const error = validateInputScalarValue(scalar.value);
        if (error) return `Invalid resource quantity for '${name}': ${error}`;
      }
    }
  }
  return undefined;
}
