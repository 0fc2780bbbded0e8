/** How an agent looks to the allocator. */
import { isTerminalState } from "@mesos/core";
import { AgentInfo_Capability_Type as Cap } from "@mesos/proto";
import type { AllocatorAgent } from "../allocator/allocator.ts";
import type { MasterContext } from "../context.ts";
import type { Agent } from "./agent.ts";

export function allocatorAgent(a: Agent): AllocatorAgent {
  return {
    id: a.id,
    hostname: a.info.hostname,
    total: a.total,
    capabilities: {
      multiRole: a.hasCapability(Cap.MULTI_ROLE),
      hierarchicalRole: a.hasCapability(Cap.HIERARCHICAL_ROLE),
      reservationRefinement: a.hasCapability(Cap.RESERVATION_REFINEMENT),
    },
    region: a.info.domain?.faultDomain?.region?.name,
  };
}

/** (Re-)adds an agent to the allocator with what its tasks hold. */
export function addAgentToAllocator(ctx: MasterContext, a: Agent): void {
  ctx.allocator.addAgent(
    allocatorAgent(a),
    a.usedByFramework((t) => isTerminalState(t.state)),
  );
  if (!a.connected) ctx.allocator.deactivateAgent(a.id);
}
