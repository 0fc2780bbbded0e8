/**
 * Applying an offer operation on the master. Speculative operations (RESERVE, UNRESERVE, CREATE,
 * DESTROY, GROW_VOLUME, SHRINK_VOLUME) change the master's view of the agent and the allocator at
 * once, as Mesos does; CREATE_DISK and DESTROY_DISK do not: their resources stay allocated to the
 * framework until the agent reports the outcome (see settleOperation). Either way the agent is told
 * to apply it, with the resource version of the resource provider whose resources it uses, and
 * reports back with operation status updates.
 */
import { create } from "@bufbuild/protobuf";
import {
  applyConversion,
  type Conversion,
  conflict,
  errorMessage,
  invalid,
  newUuidBytes,
  operationConversion,
  Resources,
  uuidFromBytes,
} from "@mesos/core";
import { internal, type Offer_Operation, Offer_Operation_Type, type Operation, OperationSchema, OperationState } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";

export interface AppliedOperation {
  conversion: Conversion;
  /** `available` after the operation. */
  available: Resources;
  operationUuid: string;
}

/** Operations whose outcome only the resource provider knows: applied when it reports FINISHED. */
export function isSpeculative(info: Offer_Operation): boolean {
  return info.type !== Offer_Operation_Type.CREATE_DISK && info.type !== Offer_Operation_Type.DESTROY_DISK;
}

/** What a non-speculative operation takes from the offer (its converted resources come from the agent). */
export function diskOperationSource(info: Offer_Operation): Resources {
  const source = info.createDisk?.source ?? info.destroyDisk?.source;
  return source ? Resources.of([source]) : Resources.EMPTY;
}

/** The resource provider whose resources the operation uses, if any (one at most). */
function providerOf(agent: Agent, consumed: Resources): string | undefined {
  const ids = new Set([...consumed].map((r) => r.providerId?.value));
  if (ids.size > 1) throw invalid("An operation cannot use resources of several resource providers, or mix them with the agent's own");
  const [id] = ids;
  if (id !== undefined && !agent.resourceProviders.has(id)) throw invalid(`Resource provider ${id} is not on agent ${agent.id}`);
  return id;
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
  const speculative = isSpeculative(info);
  const conversion = speculative ? operationConversion(info) : { consumed: diskOperationSource(info), converted: Resources.EMPTY };
  const providerId = providerOf(agent, conversion.consumed);
  let after: Resources;
  if (speculative) {
    after = applyConversion(available, conversion);
    ctx.agents.convert(agent, framework?.id, conversion);
  } else {
    if (!framework) throw invalid(`${Offer_Operation_Type[info.type]} is only available to frameworks`);
    if (!available.contains(conversion.consumed)) throw conflict(`${available} does not contain ${conversion.consumed}`);
    // The resources stay allocated to the framework while the provider works on them.
    after = available.minus(conversion.consumed);
  }

  const uuid = newUuidBytes();
  const operationUuid = uuidFromBytes(uuid);
  const operation = create(OperationSchema, {
    frameworkId: framework ? { value: framework.id } : undefined,
    agentId: { value: agent.id },
    info,
    latestStatus: {
      operationId: info.id,
      state: OperationState.OPERATION_PENDING,
      agentId: { value: agent.id },
      resourceProviderId: providerId === undefined ? undefined : { value: providerId },
    },
    uuid: { value: uuid },
  });
  ctx.operations.track(agent.id, operation);
  agent.send(
    create(internal.MasterMessageSchema, {
      message: {
        case: "applyOperation",
        value: {
          frameworkId: operation.frameworkId,
          info,
          operationUuid: uuid,
          resourceProviderId: providerId === undefined ? undefined : { value: providerId },
          resourceVersionUuid: providerId === undefined ? undefined : agent.resourceProviders.get(providerId)!.resourceVersion,
        },
      },
    }),
  );
  ctx.log.info(
    speculative
      ? `Applying ${conversion.consumed} -> ${conversion.converted} on agent ${agent.id} (operation ${operationUuid})`
      : `Sending ${Offer_Operation_Type[info.type]} of ${conversion.consumed} to agent ${agent.id} (operation ${operationUuid})`,
  );
  return { conversion, available: after, operationUuid };
}

/**
 * A non-speculative operation became terminal: on FINISHED the consumed resources turn into what
 * the agent converted them to (and go back to the allocator), otherwise the consumed ones do.
 */
export function settleOperation(ctx: MasterContext, agent: Agent, operation: Operation): void {
  const frameworkId = operation.frameworkId?.value;
  const consumed = diskOperationSource(operation.info!);
  const status = operation.latestStatus!;
  let back = consumed;
  if (status.state === OperationState.OPERATION_FINISHED) {
    const converted = Resources.of(status.convertedResources);
    try {
      ctx.agents.convert(agent, frameworkId, { consumed, converted });
      back = converted;
    } catch (e) {
      // The agent's picture moved on (it re-registered with the result already in its total).
      ctx.log.warn(`Operation ${uuidFromBytes(operation.uuid!.value)} finished, but ${errorMessage(e)}`);
    }
  }
  if (frameworkId) ctx.offers.giveBack(frameworkId, agent.id, back, 0);
  ctx.triggerAllocation();
}
