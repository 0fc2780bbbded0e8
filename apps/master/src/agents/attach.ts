/**
 * An agent attaching: registration (no id) or re-registration (with the id it was given). The
 * registry records the admission before the agent hears back. On re-registration the master
 * reconciles what it believed ran on the agent with what the agent reports (see reconcile-agent.ts).
 */
import { create } from "@bufbuild/protobuf";
import { invalid, newUuid, permissionDenied, Resources, upgradeResource, validateResources } from "@mesos/core";
import { AgentIDSchema, type internal, MachineIDSchema, MachineInfo_Mode } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { machineText } from "../maintenance/machine-id.ts";
import type { Agent, AgentOutbox } from "./agent.ts";
import { startPinging } from "./health.ts";
import { reconcileAgentReport } from "./reconcile-agent.ts";
import { registeredFrame } from "./registered-frame.ts";
import { readResourceProviders } from "./resource-providers.ts";

export interface AttachResult {
  agent: Agent;
  connectionId: string;
}

/**
 * `messages` is the new link's way to the agent (Registered goes first); `encodedInfo`, the
 * request's agent_info as it came (an unchanged agent is recognised by its bytes).
 */
export async function attachAgent(
  ctx: MasterContext,
  req: internal.AttachRequest,
  messages: AgentOutbox,
  encodedInfo?: Uint8Array,
): Promise<AttachResult> {
  const reported = req.agentInfo;
  if (!reported) throw invalid("Missing 'agent_info'");
  if (!reported.hostname) throw invalid("Missing 'agent_info.hostname'");
  let endpoint: URL;
  try {
    endpoint = new URL(req.endpoint);
  } catch {
    throw invalid(`Invalid agent endpoint '${req.endpoint}'`);
  }
  const resources = reported.resources.map(upgradeResource);
  const resourceError = validateResources(resources);
  if (resourceError) throw invalid(`Invalid agent resources: ${resourceError}`);
  // After offer operations the agent's total (reservations, volumes) is what it checkpointed.
  const checkpointed = req.checkpointedResources.map(upgradeResource);
  const checkpointError = validateResources(checkpointed);
  if (checkpointError) throw invalid(`Invalid checkpointed resources: ${checkpointError}`);

  // Agents may not (re-)register while their machine is DOWN for maintenance.
  const machine = create(MachineIDSchema, { hostname: reported.hostname, ip: endpoint.hostname });
  if (ctx.maintenance.mode(machine) === MachineInfo_Mode.DOWN) {
    throw permissionDenied(`Refusing registration of agent at ${req.endpoint}: the machine '${machineText(machine)}' that it is running on is DOWN`);
  }

  const providers = readResourceProviders(req.resourceProviders);

  const claimedId = reported.id?.value;
  const previous = claimedId ? ctx.agents.entry(claimedId) : undefined;
  if (previous?.state === "gone") throw permissionDenied(`Agent ${claimedId} has been marked gone and cannot re-register`);

  const id = claimedId ?? ctx.newAgentId();
  // The request was decoded for this call: its AgentInfo becomes the agent's, uncopied (a copy of
  // each was a tenth of a re-registration's work).
  const info = reported;
  info.id = create(AgentIDSchema, { value: id });
  info.resources = resources;
  await ctx.agents.admit(id, info, claimedId ? encodedInfo : undefined);

  const init = {
    info,
    endpoint: req.endpoint,
    version: req.version ?? "",
    capabilities: req.capabilities.map((c) => c.type),
    total: Resources.of(checkpointed.length > 0 ? checkpointed : resources).plus(providers.resources),
    resourceProviders: providers.providers,
  };
  const believedTasks = ctx.tasks.resetAgent(id);
  const believedExecutors = ctx.executors.forgetAgent(id);
  if (ctx.agents.has(id)) {
    ctx.offers.rescindAgent(id);
    ctx.inverseOffers.rescindAgent(id);
  }
  const connectionId = newUuid();
  const { agent, added } = ctx.agents.attach(id, init, { connectionId, messages }, claimedId !== undefined);
  const reconciliations = reconcileAgentReport(
    ctx,
    agent,
    req,
    { tasks: believedTasks, executors: believedExecutors },
    previous?.state === "unreachable",
  );
  ctx.agents.start(agent, added);
  messages.pushEncoded(
    registeredFrame(ctx.info, {
      agentId: id,
      connectionId,
      pingIntervalSeconds: ctx.flags.agent_ping_timeout / 1000,
      // The agent registers again if no ping comes for as long as the master waits for its pongs.
      totalPingTimeoutSeconds: (ctx.flags.agent_ping_timeout * ctx.flags.max_agent_ping_timeouts) / 1000,
      reconciliations,
    }),
  );
  startPinging(ctx, agent);
  ctx.log.info(`${claimedId ? "Re-registered" : "Registered"} agent ${id} at ${req.endpoint} with ${agent.total}`);
  ctx.metrics.increment(claimedId ? "master/slave_reregistrations" : "master/slave_registrations");
  ctx.triggerAllocation(id);
  return { agent, connectionId };
}

/** The agent's link closed: no more offers of it until it re-attaches (health checks keep running). */
export function onAgentLinkClosed(ctx: MasterContext, agentId: string, connectionId: string): void {
  const agent = ctx.agents.get(agentId);
  if (!agent || agent.link?.connectionId !== connectionId) return;
  ctx.agents.disconnect(agent);
  ctx.offers.rescindAgent(agentId);
  ctx.inverseOffers.rescindAgent(agentId);
  ctx.log.warn(`Agent ${agentId} disconnected`);
}
