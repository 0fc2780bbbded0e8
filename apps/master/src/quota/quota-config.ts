/**
 * Quota as the master holds it: per top-level role, guarantees and limits (name -> amount). SET_QUOTA
 * (Mesos 1.8) gives guarantee = limit; UPDATE_QUOTA (as in Mesos 1.9) sets both.
 */
import { create } from "@bufbuild/protobuf";
import { invalid, topLevelRole, validateInputScalarValue, validateRole } from "@mesos/core";
import { quota, type Resource, Value_Type } from "@mesos/proto";

export interface RoleQuota {
  role: string;
  guarantees: Map<string, number>;
  limits: Map<string, number>;
  principal?: string;
}

export function validateQuotaRole(role: string): void {
  if (!role) throw invalid("Quota must name a role");
  const error = validateRole(role);
  if (error) throw invalid(`Invalid role: ${error}`);
  if (role === "*") throw invalid("Quota cannot be set for role '*'");
  if (topLevelRole(role) !== role) throw invalid(`Quota can only be set for top-level roles, not '${role}'`);
}

function checkAmount(role: string, name: string, value: number): void {
  const error = validateInputScalarValue(value);
  if (error) throw invalid(`Quota for role '${role}' has an invalid amount ${value} of '${name}': ${error}`);
}

/** SET_QUOTA's guarantee: plain (unreserved, non-revocable) scalar resources, each name once. */
export function guaranteeFromResources(role: string, resources: readonly Resource[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of resources) {
    if (r.type !== Value_Type.SCALAR) throw invalid(`Quota for role '${role}' may only contain scalar resources, not '${r.name}'`);
    if (r.reservations.length > 0 || (r.role && r.role !== "*") || r.disk || r.revocable || r.shared) {
      throw invalid(`Quota for role '${role}' may only contain plain resources: '${r.name}' carries a reservation, disk, revocable or shared info`);
    }
    if (out.has(r.name)) throw invalid(`Quota for role '${role}' names '${r.name}' twice`);
    checkAmount(role, r.name, r.scalar?.value ?? 0);
    out.set(r.name, r.scalar?.value ?? 0);
  }
  return out;
}

export function quotaFromConfig(config: quota.QuotaConfig): RoleQuota {
  validateQuotaRole(config.role);
  const guarantees = new Map(Object.entries(config.guarantees).map(([n, s]) => [n, s.value]));
  const limits = new Map(Object.entries(config.limits).map(([n, s]) => [n, s.value]));
  for (const [name, value] of [...guarantees, ...limits]) checkAmount(config.role, name, value);
  for (const [name, guarantee] of guarantees) {
    const limit = limits.get(name);
    if (limit !== undefined && guarantee > limit) {
      throw invalid(`Quota for role '${config.role}': the guarantee of ${guarantee} '${name}' exceeds its limit ${limit}`);
    }
  }
  return { role: config.role, guarantees, limits };
}

export function quotaInfo(q: RoleQuota): quota.QuotaInfo {
  return create(quota.QuotaInfoSchema, {
    role: q.role,
    principal: q.principal,
    guarantee: [...q.guarantees].map(([name, value]) => ({ name, type: Value_Type.SCALAR, scalar: { value } })),
  });
}

export function quotaConfig(q: RoleQuota): quota.QuotaConfig {
  const scalars = (m: Map<string, number>) => Object.fromEntries([...m].map(([n, value]) => [n, { value }]));
  return create(quota.QuotaConfigSchema, { role: q.role, guarantees: scalars(q.guarantees), limits: scalars(q.limits) });
}
