/**
 * UPDATE_FRAMEWORK (beyond Mesos 1.8, which needed a re-subscription — MESOS-7258): a live framework
 * changes its roles, capabilities, offer filters, name, failover timeout and other mutable fields,
 * and its suppressed roles. Effective from the next allocation cycle; offers for roles it left are
 * rescinded; agents running its tasks get the new FrameworkInfo.
 */
import { clone, create } from "@bufbuild/protobuf";
import { invalid } from "@mesos/core";
import { FrameworkInfoSchema, internal, type scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { removeOffer } from "../offers/offer-actions.ts";
import { emitFrameworkUpdated } from "../operator/operator-events.ts";
import { allocatorFramework } from "./allocator-view.ts";
import type { Framework } from "./framework.ts";
import { validateFrameworkInfo } from "./validate-framework-info.ts";

const IMMUTABLE = ["user", "principal", "checkpoint"] as const;

export function updateFramework(ctx: MasterContext, framework: Framework, call: scheduler.Call_UpdateFramework): void {
  const info = call.frameworkInfo;
  if (!info) throw invalid("Expecting 'update_framework.framework_info' to be present");
  const error = validateFrameworkInfo(info);
  if (error) throw invalid(error);
  if (info.id?.value !== framework.id) throw invalid(`'update_framework.framework_info.id' must be ${framework.id}`);
  for (const field of IMMUTABLE) {
    if (info[field] !== framework.info[field]) throw invalid(`Updating 'FrameworkInfo.${field}' is not supported`);
  }
  const before = new Set(framework.roles);
  framework.info = clone(FrameworkInfoSchema, info);
  const after = new Set(framework.roles);
  for (const role of call.suppressedRoles) {
    if (!after.has(role)) throw invalid(`Suppressed role '${role}' is not one of the framework's roles`);
  }
  framework.suppressedRoles.clear();
  for (const role of call.suppressedRoles) framework.suppressedRoles.add(role);
  for (const role of [...framework.suppressedRoles]) if (!after.has(role)) framework.suppressedRoles.delete(role);

  ctx.allocator.updateFramework(allocatorFramework(framework));
  for (const id of [...framework.offers]) {
    const offer = ctx.offers.get(id);
    if (offer && before.has(offer.role) && !after.has(offer.role)) removeOffer(ctx, id, { rescind: true, recover: true });
  }
  const agentIds = new Set([...framework.tasks.values()].map((t) => t.agentId!.value));
  for (const agentId of agentIds) {
    ctx.agents
      .get(agentId)
      ?.send(create(internal.MasterMessageSchema, { message: { case: "updateFramework", value: { frameworkInfo: framework.info } } }));
  }
  emitFrameworkUpdated(ctx, framework);
  ctx.log.info(`Framework ${framework.id} updated: roles ${[...after].join(",")}`);
  ctx.triggerAllocation();
}
