/**
 * The agent's local resource providers (storage resource providers) as the master tracks them: each
 * reports its info, its resources (carrying its provider id) and a resource version. They come with
 * the agent's attach and again whenever they change (UpdateState); the master's picture of the
 * agent's total and the allocator follow, and offers made of the old resources are rescinded.
 */
import { invalid, Resources, upgradeResource, uuidFromBytes, validateResources } from "@mesos/core";
import type { internal } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { diskOperationSource, isSpeculative } from "../operations/apply-operation.ts";
import { isTerminalOperationState } from "../operations/operation-feedback.ts";
import type { Agent, AgentResourceProvider } from "./agent.ts";

export interface ReportedProviders {
  providers: Map<string, AgentResourceProvider>;
  /** All their resources. */
  resources: Resources;
}

/** Checks what the agent reports: ids set, resources valid and each carrying its provider's id. */
export function readResourceProviders(reported: readonly internal.ResourceProvider[]): ReportedProviders {
  const providers = new Map<string, AgentResourceProvider>();
  let resources = Resources.EMPTY;
  for (const p of reported) {
    const id = p.info?.id?.value;
    if (!p.info || !id) throw invalid("A resource provider without 'info.id'");
    if (providers.has(id)) throw invalid(`Resource provider ${id} is reported twice`);
    const list = p.totalResources.map(upgradeResource);
    const error = validateResources(list);
    if (error) throw invalid(`Invalid resources of resource provider ${id}: ${error}`);
    const stray = list.find((r) => r.providerId?.value !== id);
    if (stray) throw invalid(`Resource provider ${id} reports a resource '${stray.name}' of provider '${stray.providerId?.value ?? "(none)"}'`);
    providers.set(id, { info: p.info, resourceVersion: p.resourceVersionUuid });
    resources = resources.plus(list);
  }
  return { providers, resources };
}

/**
 * UpdateState from an agent: its resource providers' resources replace the old ones. Operations
 * they report as ended that the master still thought pending ended while it was not listening
 * (an agent restart): their result is already in the reported resources, so nothing is converted
 * again; what a CREATE_DISK or DESTROY_DISK held goes back to the allocator.
 */
export function updateAgentState(ctx: MasterContext, agent: Agent, update: internal.UpdateState): void {
  const { providers, resources } = readResourceProviders(update.resourceProviders);
  ctx.offers.rescindAgent(agent.id);
  ctx.agents.updateResourceProviders(agent, providers, resources);
  for (const reported of update.resourceProviders.flatMap((p) => p.operations)) {
    const known = ctx.operations.get(agent.id, uuidFromBytes(reported.uuid!.value));
    const latest = reported.latestStatus;
    if (!known || !latest || isTerminalOperationState(known.latestStatus!.state) || !isTerminalOperationState(latest.state)) continue;
    ctx.operations.update(known, latest, undefined);
    const frameworkId = known.frameworkId?.value;
    if (!isSpeculative(known.info!) && frameworkId) ctx.offers.giveBack(frameworkId, agent.id, diskOperationSource(known.info!), 0);
  }
  ctx.log.info(`Agent ${agent.id} updated its ${providers.size} resource provider(s): total now ${agent.total}`);
  ctx.triggerAllocation();
}
