/**
 * The v1 encoder of the master's read model (read-model/master-projection.ts): the state as
 * operator API messages (GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS, GET_STATE, GET_ROLES,
 * and the agents and frameworks of operator events), their resources in Mesos's ENDPOINT format.
 */
import { create } from "@bufbuild/protobuf";
import { endpointResource } from "@mesos/core";
import { master, type Offer, type Resource, type TimeInfo, TimeInfoSchema } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import { type AgentSummary, agentInputs, type FrameworkSummary, type MasterProjection } from "../read-model/master-projection.ts";
import { Memo } from "../read-model/memo.ts";

const timeInfo = (ms: number | undefined): TimeInfo | undefined =>
  ms === undefined ? undefined : create(TimeInfoSchema, { nanoseconds: BigInt(Math.round(ms)) * 1_000_000n });

const agentViews = new Memo<Agent, master.Response_GetAgents_Agent>();

/** The agent as GET_AGENTS shows it (the same message while the agent does not change: do not edit it). */
export function agentView(summary: AgentSummary): master.Response_GetAgents_Agent {
  return agentViews.get(summary.agent, agentInputs(summary), () => encodeAgent(summary, summary.offered.toArray().map(endpointResource)));
}

/** The agent as GET_AGENTS shows it, offered `offeredResources` (state-encoding.ts puts its own there). */
export function encodeAgent({ agent, used }: AgentSummary, offeredResources: Resource[]): master.Response_GetAgents_Agent {
  return create(master.Response_GetAgents_AgentSchema, {
    agentInfo: agent.info,
    active: agent.connected,
    version: agent.version,
    pid: agent.pid,
    registeredTime: timeInfo(agent.registeredAt),
    reregisteredTime: timeInfo(agent.reregisteredAt),
    totalResources: agent.total.toArray().map(endpointResource),
    allocatedResources: used.toArray().map(endpointResource),
    offeredResources,
    capabilities: agent.capabilities.map((type) => ({ type })),
    resourceProviders: [...agent.resourceProviders].map(([id, p]) => ({
      resourceProviderInfo: p.info,
      totalResources: agent.providerResources(id).toArray(),
    })),
  });
}

export function getAgents(p: MasterProjection): master.Response_GetAgents {
  return create(master.Response_GetAgentsSchema, { agents: p.agents().map(agentView), recoveredAgents: p.recoveredAgents() });
}

/** The framework as GET_FRAMEWORKS shows it (with `offers` in place of its own: framework-pieces.ts puts its own there). */
export function frameworkView(
  { framework: f, used, offers: records, offered, inverseOffers }: FrameworkSummary,
  offers: Offer[] = records.map((o) => o.offer),
): master.Response_GetFrameworks_Framework {
  return create(master.Response_GetFrameworks_FrameworkSchema, {
    frameworkInfo: f.info,
    active: f.active,
    connected: f.connected,
    recovered: f.recovered,
    registeredTime: timeInfo(f.registeredAt),
    reregisteredTime: timeInfo(f.reregisteredAt),
    unregisteredTime: timeInfo(f.unregisteredAt),
    offers,
    inverseOffers,
    allocatedResources: used.toArray().map(endpointResource),
    offeredResources: offered.toArray().map(endpointResource),
  });
}

export function getFrameworks(p: MasterProjection): master.Response_GetFrameworks {
  return create(master.Response_GetFrameworksSchema, {
    frameworks: p.frameworks().map((f) => frameworkView(f)),
    completedFrameworks: p.completedFrameworks().map((f) => frameworkView(f)),
    recoveredFrameworks: p.recoveredFrameworks().map((f) => f.info),
  });
}

export function getTasks(p: MasterProjection): master.Response_GetTasks {
  const all = p.allFrameworks();
  return create(master.Response_GetTasksSchema, {
    tasks: all.flatMap((f) => f.active),
    unreachableTasks: all.flatMap((f) => f.unreachable),
    completedTasks: all.flatMap((f) => f.completed),
  });
}

/** Mesos lists the executors of registered and completed frameworks (the latter have none left). */
export function getExecutors(p: MasterProjection): master.Response_GetExecutors {
  return create(master.Response_GetExecutorsSchema, {
    executors: p.frameworks().flatMap((f) => f.executors.map((e) => ({ executorInfo: e.info, agentId: { value: e.agentId } }))),
  });
}

export function getState(p: MasterProjection): master.Response_GetState {
  return create(master.Response_GetStateSchema, {
    getTasks: getTasks(p),
    getExecutors: getExecutors(p),
    getFrameworks: getFrameworks(p),
    getAgents: getAgents(p),
  });
}

export function getRoles(p: MasterProjection): master.Response_GetRoles {
  return create(master.Response_GetRolesSchema, {
    roles: p.roles().map((r) => ({
      name: r.name,
      weight: r.weight,
      frameworks: r.frameworks.map((f) => ({ value: f.id })),
      resources: r.resources.toArray(),
    })),
  });
}
