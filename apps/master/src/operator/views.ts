/**
 * The master's state as v1 operator API messages (GET_AGENTS, GET_FRAMEWORKS, GET_TASKS,
 * GET_STATE, GET_ROLES). The v0 JSON endpoints are built from these too, so both always agree.
 */
import { create } from "@bufbuild/protobuf";
import { isTerminalState, Resources } from "@mesos/core";
import { master, type TimeInfo, TimeInfoSchema } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";

export const timeInfo = (ms: number | undefined): TimeInfo | undefined =>
  ms === undefined ? undefined : create(TimeInfoSchema, { nanoseconds: BigInt(Math.round(ms)) * 1_000_000n });

function offeredOn(ctx: MasterContext, agent: Agent): Resources {
  let out = Resources.EMPTY;
  for (const id of agent.offers) out = out.plus(ctx.offers.get(id)?.resources ?? Resources.EMPTY);
  return out;
}

function allocatedOn(agent: Agent): Resources {
  let out = Resources.EMPTY;
  for (const task of agent.allTasks()) if (!isTerminalState(task.state)) out = out.plus(task.resources);
  return out;
}

export function agentView(ctx: MasterContext, agent: Agent): master.Response_GetAgents_Agent {
  return create(master.Response_GetAgents_AgentSchema, {
    agentInfo: agent.info,
    active: agent.connected,
    version: agent.version,
    pid: agent.pid,
    registeredTime: timeInfo(agent.registeredAt),
    reregisteredTime: timeInfo(agent.reregisteredAt),
    totalResources: agent.total.toArray(),
    allocatedResources: allocatedOn(agent).toArray(),
    offeredResources: offeredOn(ctx, agent).toArray(),
    capabilities: agent.capabilities.map((type) => ({ type })),
  });
}

export function getAgents(ctx: MasterContext): master.Response_GetAgents {
  const recovered = [...ctx.registeredAgents].filter(([id, a]) => a.state === "admitted" && !ctx.agents.has(id)).map(([, a]) => a.info);
  return create(master.Response_GetAgentsSchema, {
    agents: [...ctx.agents.values()].map((a) => agentView(ctx, a)),
    recoveredAgents: recovered,
  });
}

export function frameworkView(ctx: MasterContext, f: Framework): master.Response_GetFrameworks_Framework {
  let allocated = Resources.EMPTY;
  for (const t of f.tasks.values()) if (!isTerminalState(t.state)) allocated = allocated.plus(t.resources);
  let offered = Resources.EMPTY;
  const offers = [...f.offers].map((id) => ctx.offers.get(id)!).filter(Boolean);
  for (const o of offers) offered = offered.plus(o.resources);
  return create(master.Response_GetFrameworks_FrameworkSchema, {
    frameworkInfo: f.info,
    active: f.active,
    connected: f.connected,
    recovered: f.recovered,
    registeredTime: timeInfo(f.registeredAt),
    reregisteredTime: timeInfo(f.reregisteredAt),
    unregisteredTime: timeInfo(f.unregisteredAt),
    offers: offers.map((o) => o.offer),
    allocatedResources: allocated.toArray(),
    offeredResources: offered.toArray(),
  });
}

export function getFrameworks(ctx: MasterContext): master.Response_GetFrameworks {
  const live = [...ctx.frameworks.values()];
  return create(master.Response_GetFrameworksSchema, {
    frameworks: live.filter((f) => !f.recovered).map((f) => frameworkView(ctx, f)),
    completedFrameworks: ctx.completedFrameworks.map((f) => frameworkView(ctx, f)),
    recoveredFrameworks: live.filter((f) => f.recovered).map((f) => f.info),
  });
}

export function getTasks(ctx: MasterContext): master.Response_GetTasks {
  const all = [...ctx.frameworks.values(), ...ctx.completedFrameworks];
  return create(master.Response_GetTasksSchema, {
    tasks: all.flatMap((f) => [...f.tasks.values()]),
    unreachableTasks: all.flatMap((f) => [...f.unreachableTasks.values()]),
    completedTasks: all.flatMap((f) => f.completedTasks),
  });
}

export function getState(ctx: MasterContext): master.Response_GetState {
  return create(master.Response_GetStateSchema, {
    getTasks: getTasks(ctx),
    getExecutors: {},
    getFrameworks: getFrameworks(ctx),
    getAgents: getAgents(ctx),
  });
}

/**
 * The roles worth listing, as Mesos's GET_ROLES and /roles do: roles frameworks are subscribed to
 * and roles with a weight or quota. A role's resources are what its frameworks use and are offered
 * under it.
 */
export function getRoles(ctx: MasterContext): master.Response_GetRoles {
  const weights = ctx.registry.weights();
  const members = new Map<string, Framework[]>();
  for (const f of ctx.frameworks.values()) for (const role of f.roles) members.set(role, [...(members.get(role) ?? []), f]);
  const names = new Set([...members.keys(), ...weights.keys(), ...ctx.registry.quotas().map((q) => q.role)]);
  return create(master.Response_GetRolesSchema, {
    roles: [...names].sort().map((name) => {
      const frameworks = members.get(name) ?? [];
      let resources = Resources.EMPTY;
      for (const f of frameworks) {
        for (const t of f.tasks.values()) if (!isTerminalState(t.state)) resources = resources.plus(t.resources);
        for (const id of f.offers) resources = resources.plus(ctx.offers.get(id)?.resources ?? Resources.EMPTY);
      }
      return {
        name,
        weight: weights.get(name) ?? 1,
        frameworks: frameworks.map((f) => ({ value: f.id })),
        resources: resources.filter((r) => r.allocationInfo?.role === name).toArray(),
      };
    }),
  });
}
