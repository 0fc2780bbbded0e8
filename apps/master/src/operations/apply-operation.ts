/**
 * Applying an offer operation on the master: speculatively (the master's view of the agent and the
 * allocator change at once, as Mesos does for operations on an agent's default resources), then
 * the agent is told to apply it and reports the outcome with an operation status update.
 */
import { create } from "@bufbuild/protobuf";
import { applyConversion, type Conversion, newUuidBytes, operationConversion, type Resources, uuidFromBytes } from "@mesos/core";
import { internal, type Offer_Operation, OperationSchema, OperationState } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";

export interface AppliedOperation {
  conversion: Conversion;
  /** `available` after the operation. */
  available: Resources;
  operationUuid: string;
}

/**
 * `available` holds the resources the operation may use: a framework's offered resources (with
 * AllocationInfo) or, for an operator, the agent's unallocated resources. Throws MesosError("conflict")
 * if they do not contain what the operation consumes; then nothing changed.
 */
export function applyOperation(
  ctx: MasterContext,
  agent: Agent,
  framework: Framework | undefined,
  info: Offer_Operation,
  available: Resources,
): AppliedOperation {
  const conversion = operationConversion(info);
  const after = applyConversion(available, conversion);
  ctx.agents.convert(agent, framework?.id, conversion);

  const uuid = newUuidBytes();
  const operationUuid = uuidFromBytes(uuid);
  const operation = create(OperationSchema, {
    frameworkId: framework ? { value: framework.id } : undefined,
    agentId: { value: agent.id },
    info,
    latestStatus: { operationId: info.id, state: OperationState.OPERATION_PENDING, agentId: { value: agent.id } },
    uuid: { value: uuid },
  });
  ctx.operations.track(agent.id, operation);
  agent.send(
    create(internal.MasterMessageSchema, {
      message: { case: "applyOperation", value: { frameworkId: operation.frameworkId, info, operationUuid: uuid } },
    }),
  );
  ctx.metrics.increment("master/operations/total");
  ctx.log.info(`Applying ${conversion.consumed} -> ${conversion.converted} on agent ${agent.id} (operation ${operationUuid})`);
  return { conversion, available: after, operationUuid };
}
