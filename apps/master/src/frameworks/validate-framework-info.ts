/**
 * FrameworkInfo validation at SUBSCRIBE (and UPDATE_FRAMEWORK), following Mesos's
 * validation::framework: required fields, roles vs. MULTI_ROLE, and offer_filters (MESOS-9523).
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { validateRole } from "@mesos/core";
import { type FrameworkInfo, FrameworkInfo_Capability_Type, FrameworkInfoSchema } from "@mesos/proto";

const MAX_FAILOVER_SECONDS = 9_223_372_036; // Mesos's Duration::max() in seconds

export function validateFrameworkInfo(info: FrameworkInfo): string | undefined {
  if (!isFieldSet(info, FrameworkInfoSchema.field.user!)) return "Missing required field 'FrameworkInfo.user'";
  if (!isFieldSet(info, FrameworkInfoSchema.field.name!)) return "Missing required field 'FrameworkInfo.name'";

  const multiRole = info.capabilities.some((c) => c.type === FrameworkInfo_Capability_Type.MULTI_ROLE);
  const hasRole = isFieldSet(info, FrameworkInfoSchema.field.role!);
  let roles: string[];
  if (multiRole) {
    if (hasRole) return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
    roles = info.roles;
    const dup = roles.find((r, i) => roles.indexOf(r) !== i);
    if (dup !== undefined) return `'FrameworkInfo.roles' contains duplicate role '${dup}'`;
  } else {
    if (info.roles.length > 0) return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
    roles = [info.role || "*"];
  }
  for (const role of roles) {
    const error = validateRole(role);
    if (error) return `Invalid role: ${error}`;
  }

  const f = info.failoverTimeout;
  if (!Number.isFinite(f) || f < 0 || f > MAX_FAILOVER_SECONDS) {
    return `Invalid 'FrameworkInfo.failover_timeout' ${f}: expected a non-negative number of seconds`;
  }

  for (const [role, filters] of Object.entries(info.offerFilters)) {
    if (!roles.includes(role)) return `'FrameworkInfo.offer_filters' names role '${role}' the framework is not subscribed to`;
    for (const [i, q] of (filters.minAllocatableResources?.quantities ?? []).entries()) {
      const where = `'FrameworkInfo.offer_filters[${role}].min_allocatable_resources.quantities[${i}]'`;
      const entries = Object.entries(q.quantities);
      if (entries.length === 0) return `${where} must not be empty`;
      for (const [name, scalar] of entries) {
        const v = scalar.value;
        if (Number.isNaN(v)) return `${where} has NaN for '${name}'`;
        if (!Number.isFinite(v)) return `${where} has an infinite value for '${name}'`;
        if (v < 0) return `${where} has a negative value for '${name}'`;
        if (v !== 0 && Math.abs(v) < 2.2250738585072014e-308) return `${where} has a subnormal value for '${name}'`;
      }
    }
  }
  return undefined;
}
