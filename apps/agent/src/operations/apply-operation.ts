/**
 * Applying an offer operation the master sent (RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME,
 * SHRINK_VOLUME on the agent's own resources; operations on a resource provider's resources go to
 * the provider). The new total, the operation and its status update
 * are checkpointed in one transaction before anything touches the disk; then volume directories
 * are created or removed, and the status (FINISHED, or FAILED with the reason) goes to the master
 * and is retried until acknowledged.
 */
import { create } from "@bufbuild/protobuf";
import {
  applyConversion,
  errorMessage,
  isPersistentVolume,
  isTerminalState,
  newUuidBytes,
  operationConversion,
  type Resources,
  uuidFromBytes,
} from "@mesos/core";
import { type internal, Offer_Operation_Type, OperationSchema, OperationState, OperationStatusSchema, type Resource } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import type { OperationUpdate } from "./operation-updates.ts";
import { ensureVolumeDirs, removeVolumeDir } from "./volumes.ts";

export function applyOperation(ctx: AgentContext, msg: internal.ApplyOperation): void {
  const operationUuid = uuidFromBytes(msg.operationUuid);
  if (ctx.operations.has(operationUuid)) {
    ctx.log.info(`Operation ${operationUuid} was already applied; its status update is being retried`);
    return;
  }
  // Operations on a resource provider's resources are the provider's to apply.
  if (msg.resourceProviderId) {
    ctx.resourceProviders.applyOperation(msg);
    return;
  }
  const info = msg.info!;
  const frameworkId = msg.frameworkId?.value;
  let state = OperationState.OPERATION_FINISHED;
  let message = "";
  let converted: Resources | undefined;
  let destroyed: Resource[] = [];
  try {
    const conversion = operationConversion(info);
    const plain = { consumed: conversion.consumed.unallocate(), converted: conversion.converted.unallocate() };
    if (info.type === Offer_Operation_Type.DESTROY) checkNotInUse(ctx, plain.consumed);
    ctx.total = applyConversion(ctx.total, plain);
    converted = conversion.converted;
    if (info.type === Offer_Operation_Type.DESTROY) destroyed = [...plain.consumed].filter(isPersistentVolume);
  } catch (e) {
    state = OperationState.OPERATION_FAILED;
    message = `Failed to apply ${Offer_Operation_Type[info.type]}: ${errorMessage(e)}`;
  }
  const status = create(OperationStatusSchema, {
    operationId: info.id,
    state,
    message,
    convertedResources: converted?.toArray() ?? [],
    uuid: { value: newUuidBytes() },
    agentId: ctx.info.id,
  });
  const operation = create(OperationSchema, {
    frameworkId: msg.frameworkId,
    agentId: ctx.info.id,
    info,
    latestStatus: status,
    statuses: [status],
    uuid: { value: msg.operationUuid },
  });
  const update: OperationUpdate = { operationUuid, frameworkId, status };
  ctx.store.applyOperation(ctx.total.toArray(), operation, update);
  ctx.operations.set(operationUuid, operation);
  ensureVolumeDirs(ctx.workDir, ctx.total);
  for (const volume of destroyed) removeVolumeDir(ctx.workDir, volume);
  if (state === OperationState.OPERATION_FAILED) ctx.log.warn(message);
  else ctx.log.info(`Applied ${Offer_Operation_Type[info.type]} (operation ${operationUuid}); total now ${ctx.total}`);
  ctx.operationUpdates.update(update, { checkpointed: true });
}

/** A volume a live task uses cannot be destroyed. */
function checkNotInUse(ctx: AgentContext, volumes: Iterable<Resource>): void {
  for (const volume of volumes) {
    const id = volume.disk?.persistence?.id;
    if (!id) continue;
    for (const task of ctx.tasks.values()) {
      if (!isTerminalState(task.state) && task.info.resources.some((r) => r.disk?.persistence?.id === id)) {
        throw new Error(`persistent volume '${id}' is in use by task ${task.info.taskId!.value}`);
      }
    }
  }
}
