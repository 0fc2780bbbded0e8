/**
 * GET_QUOTA, SET_QUOTA, REMOVE_QUOTA and UPDATE_QUOTA. Changes are validated, checked against the
 * cluster's capacity (409 unless `force`), written to the registry, then given to the allocator;
 * a new guarantee rescinds outstanding offers so the role can be served.
 */
import { create } from "@bufbuild/protobuf";
import { conflict, formatQuantities, invalid, isStaticallyReserved, quantitiesContain, Resources } from "@mesos/core";
import { type master, quota } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { rescindForQuota } from "./rescind-for-quota.ts";
import { guaranteeFromResources, quotaConfig, quotaFromConfig, quotaInfo, type RoleQuota, validateQuotaRole } from "./quota-config.ts";

export function getQuota(ctx: MasterContext): quota.QuotaStatus {
  const all = [...ctx.roles.quotas().values()];
  return create(quota.QuotaStatusSchema, { infos: all.map(quotaInfo), configs: all.map(quotaConfig) });
}

/**
 * Mesos's heuristic: what the cluster has beyond static reservations must cover every guarantee.
 * Returns the overcommitted resources, or undefined.
 */
function capacityShortfall(ctx: MasterContext, candidate: Map<string, RoleQuota>): string | undefined {
  let capacity = Resources.EMPTY;
  for (const agent of ctx.agents.values()) capacity = capacity.plus(agent.total.filter((r) => !isStaticallyReserved(r)).nonRevocable());
  const have = capacity.quantities();
  const need = new Map<string, number>();
  for (const q of candidate.values()) for (const [n, v] of q.guarantees) need.set(n, (need.get(n) ?? 0) + v);
  const short = [...need].filter(([n, v]) => !quantitiesContain(have, new Map([[n, v]])));
  if (short.length === 0) return undefined;
  return short.map(([n, v]) => `${n} (${v} needed, ${have.get(n) ?? 0} available)`).join(", ");
}

async function apply(ctx: MasterContext, changed: RoleQuota[], removed: string[], force: boolean): Promise<void> {
  const candidate = new Map(ctx.roles.quotas());
  for (const role of removed) candidate.delete(role);
  for (const q of changed) candidate.set(q.role, q);
  const short = capacityShortfall(ctx, candidate);
  if (short && !force) {
    throw conflict(
      `Not enough available cluster capacity to reasonably satisfy quota request; the force flag can be used to override this check. Overcommitted: ${short}`,
    );
  }
  await ctx.roles.changeQuota(changed, removed);
  for (const q of changed) {
    rescindForQuota(ctx, q);
    ctx.log.info(
      `Quota for role '${q.role}': guarantees ${formatQuantities(q.guarantees) || "none"}, limits ${formatQuantities(q.limits) || "none"}`,
    );
  }
}

export function setQuota(ctx: MasterContext, call: master.Call_SetQuota): Promise<void> {
  const request = call.quotaRequest;
  if (!request) throw invalid("Expecting 'set_quota.quota_request' to be present");
  const role = request.role ?? "";
  validateQuotaRole(role);
  if (ctx.roles.quotas().has(role)) throw invalid(`Quota cannot be set for role '${role}' which already has quota`);
  const guarantees = guaranteeFromResources(role, request.guarantee);
  if (guarantees.size === 0) throw invalid(`Quota for role '${role}' is empty`);
  return apply(ctx, [{ role, guarantees, limits: new Map(guarantees) }], [], request.force === true);
}

export function removeQuota(ctx: MasterContext, call: master.Call_RemoveQuota): Promise<void> {
  const role = call.role;
  validateQuotaRole(role);
  if (!ctx.roles.quotas().has(role)) throw invalid(`Quota cannot be removed for role '${role}' which has no quota`);
  return apply(ctx, [], [role], true);
}

/** Sets several roles at once (all or nothing). A config with no guarantees and no limits removes quota. */
export function updateQuota(ctx: MasterContext, call: master.Call_UpdateQuota): Promise<void> {
  const configs = call.quotaConfigs.map(quotaFromConfig);
  const roles = configs.map((c) => c.role);
  const dup = roles.find((r, i) => roles.indexOf(r) !== i);
  if (dup) throw invalid(`UPDATE_QUOTA names role '${dup}' twice`);
  const removed = configs.filter((c) => c.guarantees.size === 0 && c.limits.size === 0).map((c) => c.role);
  const changed = configs.filter((c) => !removed.includes(c.role));
  return apply(
    ctx,
    changed,
    removed.filter((r) => ctx.roles.quotas().has(r)),
    call.force === true,
  );
}
