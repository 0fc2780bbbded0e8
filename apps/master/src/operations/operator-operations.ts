/**
 * Operations an operator asks for through the operator API: they act on the agent's unallocated
 * resources (outstanding offers of the agent are rescinded if the resources are in them), get no
 * feedback stream (the master acknowledges the agent's update itself), and fail with a clear
 * error and no change when invalid.
 */
import { create } from "@bufbuild/protobuf";
import { conflict, invalid, notFound, type Resources, upgradeResource } from "@mesos/core";
import { master, type Offer_Operation, Offer_Operation_Type, Offer_OperationSchema, type Resource } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import { markAgentGone } from "../agents/remove-agent.ts";
import { MasterProjection } from "../read-model/master-projection.ts";
import type { MasterContext } from "../context.ts";
import { applyOperation } from "./apply-operation.ts";
import { validateOperation } from "./validate-operation.ts";

const T = master.Call_Type;

/** What on the agent is neither used (by a task or an executor) nor offered, as the read model sums them. */
function unallocated(ctx: MasterContext, agent: Agent): Resources {
  const { used, offered } = new MasterProjection(ctx).agent(agent);
  return agent.total.minus(used.plus(offered).unallocate());
}

function operationFor(call: master.Call): { agentId: string; op: Offer_Operation } {
  const up = (list: Resource[]) => list.map(upgradeResource);
  switch (call.type) {
    case T.RESERVE_RESOURCES:
      return {
        agentId: call.reserveResources?.agentId?.value ?? "",
        op: create(Offer_OperationSchema, { type: Offer_Operation_Type.RESERVE, reserve: { resources: up(call.reserveResources?.resources ?? []) } }),
      };
    case T.UNRESERVE_RESOURCES:
      return {
        agentId: call.unreserveResources?.agentId?.value ?? "",
        op: create(Offer_OperationSchema, {
          type: Offer_Operation_Type.UNRESERVE,
          unreserve: { resources: up(call.unreserveResources?.resources ?? []) },
        }),
      };
    case T.CREATE_VOLUMES:
      return {
        agentId: call.createVolumes?.agentId?.value ?? "",
        op: create(Offer_OperationSchema, { type: Offer_Operation_Type.CREATE, create: { volumes: up(call.createVolumes?.volumes ?? []) } }),
      };
    case T.DESTROY_VOLUMES:
      return {
        agentId: call.destroyVolumes?.agentId?.value ?? "",
        op: create(Offer_OperationSchema, { type: Offer_Operation_Type.DESTROY, destroy: { volumes: up(call.destroyVolumes?.volumes ?? []) } }),
      };
    case T.GROW_VOLUME: {
      const g = call.growVolume;
      return {
        agentId: g?.agentId?.value ?? "",
        op: create(Offer_OperationSchema, {
          type: Offer_Operation_Type.GROW_VOLUME,
          growVolume: { volume: g?.volume && upgradeResource(g.volume), addition: g?.addition && upgradeResource(g.addition) },
        }),
      };
    }
    case T.SHRINK_VOLUME: {
      const s = call.shrinkVolume;
      return {
        agentId: s?.agentId?.value ?? "",
        op: create(Offer_OperationSchema, {
          type: Offer_Operation_Type.SHRINK_VOLUME,
          shrinkVolume: { volume: s?.volume && upgradeResource(s.volume), subtract: s?.subtract },
        }),
      };
    }
    default:
      throw invalid(`${T[call.type]} is not an operation`);
  }
}

export function operatorOperation(ctx: MasterContext, call: master.Call): void {
  const { agentId, op } = operationFor(call);
  if (!agentId) throw invalid("Expecting 'agent_id' to be present");
  const agent = ctx.agents.get(agentId);
  // Mesos answers 400, not 404, for an agent it does not have.
  if (!agent) throw invalid("No agent found with specified ID");
  if (!agent.connected) throw conflict(`Agent ${agentId} is disconnected`);
  const error = validateOperation(op, { agent, agentTotal: agent.total, agentTasks: ctx.tasks.onAgent(agent.id) });
  if (error) throw invalid(error);
  let available = unallocated(ctx, agent);
  try {
    applyOperation(ctx, agent, undefined, op, available);
  } catch {
    ctx.offers.rescindAgent(agent.id);
    available = unallocated(ctx, agent);
    applyOperation(ctx, agent, undefined, op, available); // throws conflict: not enough unallocated resources
  }
  ctx.triggerAllocation(agent.id);
}

export async function markGone(ctx: MasterContext, call: master.Call): Promise<void> {
  const agentId = call.markAgentGone?.agentId?.value;
  if (!agentId) throw invalid("Expecting 'mark_agent_gone.agent_id' to be present");
  const agent = ctx.agents.get(agentId);
  if (agent) return markAgentGone(ctx, agent);
  const known = ctx.agents.entry(agentId);
  if (!known) throw notFound(`Agent '${agentId}' not found`);
  // Mesos answers 200 for an agent already gone: the call is idempotent.
  if (known.state === "gone") return;
  // An unreachable agent: no update and no FAILURE (frameworks heard those when it became unreachable).
  await ctx.agents.mark(agentId, known.info, "gone");
  ctx.tasks.forgetUnreachableOn(agentId);
  ctx.tasks.forgetAcknowledgedOnAgent(agentId);
}

export function getOperations(ctx: MasterContext): master.Response_GetOperations {
  return create(master.Response_GetOperationsSchema, {
    operations: [...ctx.agents.values()].flatMap((a) => ctx.operations.onAgent(a.id)),
  });
}
