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
import { type Framework, rolesOf } from "./framework.ts";
import { requiredFrameworkFields, validateFailoverTimeout, validateFrameworkInfo } from "./validate-framework-info.ts";

const IMMUTABLE = ["user", "principal", "checkpoint"] as const;

export function updateFramework(ctx: MasterContext, framework: Framework, call: scheduler.Call_UpdateFramework): void {
  const info = call.frameworkInfo;
  if (!info) throw invalid("Expecting 'update_framework.framework_info' to be present");
  const error = requiredFrameworkFields(info) ?? validateFrameworkInfo(info) ?? validateFailoverTimeout(info);
  if (error) throw invalid(error);
  if (info.id?.value !== framework.id) throw invalid(`'update_framework.framework_info.id' must be ${framework.id}`);
  for (const field of IMMUTABLE) {
    if (info[field] !== framework.info[field]) throw invalid(`Updating 'FrameworkInfo.${field}' is not supported`);
  }
  const before = new Set(framework.roles);
  const after = new Set(rolesOf(info));
  for (const role of call.suppressedRoles) {
    if (!after.has(role)) throw invalid(`Suppressed role '${role}' is not one of the framework's roles`);
  }
  framework.info = clone(FrameworkInfoSchema, info);
  ctx.frameworks.update(framework, call.suppressedRoles);
  ctx.offers.rescindFramework(framework.id, (offer) => before.has(offer.role) && !after.has(offer.role));
  const agentIds = new Set([...ctx.tasks.active(framework.id).values()].map((t) => t.agentId!.value));
  for (const agentId of agentIds) {
    ctx.agents
      .get(agentId)
      ?.send(create(internal.MasterMessageSchema, { message: { case: "updateFramework", value: { frameworkInfo: framework.info } } }));
  }
  ctx.frameworks.changed(framework);
  ctx.log.info(`Framework ${framework.id} updated: roles ${[...after].join(",")}`);
  ctx.triggerAllocation();
}
