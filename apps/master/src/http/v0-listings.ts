/**
 * The v0 read-only listings tools still poll, in Mesos's JSON shapes: `/slaves`, `/frameworks`,
 * `/tasks` (with limit, offset, order, framework_id, task_id), `/roles` and `/state-summary`.
 * Encoders of the read model, like v0-json.ts (which writes agents, frameworks and tasks).
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { summarizeResources, toMesosJson } from "@mesos/core";
import { AgentInfoSchema, FrameworkInfo_Capability_Type, type Task } from "@mesos/proto";
import { allTasksOf, countByState, type MasterProjection } from "../read-model/master-projection.ts";
import { agentJson, frameworkJson, taskJson } from "./v0-json.ts";

type Json = Record<string, JsonValue>;

export function slavesJson(p: MasterProjection, agentId?: string): Json {
  const pick = (id: string) => agentId === undefined || id === agentId;
  return {
    slaves: p
      .agents()
      .filter((a) => pick(a.agent.id))
      .map(agentJson),
    recovered_slaves: p
      .recoveredAgents()
      .filter((info) => pick(info.id!.value))
      .map((info) => toMesosJson(AgentInfoSchema, info)),
  };
}

export function frameworksJson(p: MasterProjection, frameworkId?: string): Json {
  const pick = (f: { framework: { id: string } }) => frameworkId === undefined || f.framework.id === frameworkId;
  return {
    frameworks: p.frameworks().filter(pick).map(frameworkJson),
    completed_frameworks: p.completedFrameworks().filter(pick).map(frameworkJson),
    unregistered_frameworks: [],
  };
}

export interface TaskQuery {
  limit?: number;
  offset?: number;
  order?: "asc" | "des";
  frameworkId?: string;
  taskId?: string;
}

/** Mesos orders tasks by their first status's timestamp (tasks without statuses first), then by id. */
function ascending(a: Task, b: Task): number {
  const ta = a.statuses[0]?.timestamp;
  const tb = b.statuses[0]?.timestamp;
  if (ta === undefined || tb === undefined || ta === tb) {
    if (ta !== tb) return ta === undefined ? -1 : 1;
    return a.taskId!.value < b.taskId!.value ? -1 : a.taskId!.value > b.taskId!.value ? 1 : 0;
  }
  return ta - tb;
}

export function tasksJson(p: MasterProjection, query: TaskQuery = {}): Json {
  const frameworks = p.allFrameworks().filter((f) => query.frameworkId === undefined || f.framework.id === query.frameworkId);
  const tasks = frameworks.flatMap(allTasksOf).filter((t) => query.taskId === undefined || t.taskId!.value === query.taskId);
  tasks.sort(query.order === "asc" ? ascending : (a, b) => ascending(b, a));
  const offset = query.offset ?? 0;
  return { tasks: tasks.slice(offset, offset + (query.limit ?? 100)).map(taskJson) };
}

export function rolesJson(p: MasterProjection): Json {
  return {
    roles: p.roles().map((r) => ({
      name: r.name,
      weight: r.weight,
      frameworks: r.frameworks.map((f) => f.id),
      resources: summarizeResources(r.resources),
    })),
  };
}

export function stateSummaryJson(p: MasterProjection): Json {
  const { ctx } = p;
  const frameworks = p.frameworks();
  const tasks = frameworks.flatMap(allTasksOf);
  return {
    hostname: ctx.info.hostname,
    ...(ctx.flags.cluster ? { cluster: ctx.flags.cluster } : {}),
    slaves: p.agents().map((a) => {
      const on = tasks.filter((t) => t.agentId?.value === a.agent.id);
      return { ...agentJson(a), ...countByState(on), framework_ids: [...new Set(on.map((t) => t.frameworkId!.value))] };
    }),
    frameworks: frameworks.map((summary) => {
      const f = summary.framework;
      const all = allTasksOf(summary);
      return {
        id: f.id,
        name: f.info.name,
        used_resources: summarizeResources(summary.used),
        offered_resources: summarizeResources(summary.offered),
        capabilities: f.info.capabilities.map((c) => FrameworkInfo_Capability_Type[c.type]!),
        hostname: f.info.hostname,
        webui_url: f.info.webuiUrl,
        active: f.active,
        connected: f.connected,
        recovered: f.recovered,
        ...countByState(all),
        slave_ids: [...new Set(all.map((t) => t.agentId!.value))],
      };
    }),
  };
}
