/**
 * The v0 read-only listings tools still poll, in Mesos's JSON shapes: `/slaves`, `/frameworks`,
 * `/tasks` (with limit, offset, order, framework_id, task_id), `/roles` and `/state-summary`.
 * Agents, frameworks and tasks are written by v0-json.ts, roles come from the GET_ROLES view.
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { summarizeResources, toMesosJson } from "@mesos/core";
import { AgentInfoSchema, FrameworkInfo_Capability_Type, type Task, TaskState } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { getRoles } from "../operator/views.ts";
import { agentJson, frameworkJson, frameworkResources, taskJson } from "./v0-json.ts";

type Json = Record<string, JsonValue>;

/** The task states /state-summary counts, per agent and per framework. */
const SUMMARY_STATES = [
  TaskState.TASK_STAGING,
  TaskState.TASK_STARTING,
  TaskState.TASK_RUNNING,
  TaskState.TASK_KILLING,
  TaskState.TASK_FINISHED,
  TaskState.TASK_KILLED,
  TaskState.TASK_FAILED,
  TaskState.TASK_LOST,
  TaskState.TASK_ERROR,
  TaskState.TASK_UNREACHABLE,
];

const allTasks = (f: Framework): Task[] => [...f.tasks.values(), ...f.unreachableTasks.values(), ...f.completedTasks];
const liveFrameworks = (ctx: MasterContext) => [...ctx.frameworks.values()].filter((f) => !f.recovered);

function stateCounts(tasks: Iterable<Task>): Json {
  const counts: Json = Object.fromEntries(SUMMARY_STATES.map((s) => [TaskState[s], 0]));
  for (const t of tasks) if (TaskState[t.state] in counts) (counts[TaskState[t.state]] as number)++;
  return counts;
}

export function slavesJson(ctx: MasterContext, agentId?: string): Json {
  const agents = [...ctx.agents.values()].filter((a) => agentId === undefined || a.id === agentId);
  const recovered = [...ctx.registeredAgents]
    .filter(([id, a]) => a.state === "admitted" && !ctx.agents.has(id) && (agentId === undefined || id === agentId))
    .map(([, a]) => toMesosJson(AgentInfoSchema, a.info));
  return { slaves: agents.map((a) => agentJson(ctx, a)), recovered_slaves: recovered };
}

export function frameworksJson(ctx: MasterContext, frameworkId?: string): Json {
  const pick = (f: Framework) => frameworkId === undefined || f.id === frameworkId;
  return {
    frameworks: liveFrameworks(ctx)
      .filter(pick)
      .map((f) => frameworkJson(ctx, f)),
    completed_frameworks: ctx.completedFrameworks.filter(pick).map((f) => frameworkJson(ctx, f)),
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

export function tasksJson(ctx: MasterContext, query: TaskQuery = {}): Json {
  const frameworks = [...ctx.frameworks.values(), ...ctx.completedFrameworks].filter(
    (f) => query.frameworkId === undefined || f.id === query.frameworkId,
  );
  const tasks = frameworks.flatMap(allTasks).filter((t) => query.taskId === undefined || t.taskId!.value === query.taskId);
  tasks.sort(query.order === "asc" ? ascending : (a, b) => ascending(b, a));
  const offset = query.offset ?? 0;
  return { tasks: tasks.slice(offset, offset + (query.limit ?? 100)).map(taskJson) };
}

export function rolesJson(ctx: MasterContext): Json {
  return {
    roles: getRoles(ctx).roles.map((r) => ({
      name: r.name,
      weight: r.weight,
      frameworks: r.frameworks.map((f) => f.value),
      resources: summarizeResources(r.resources),
    })),
  };
}

export function stateSummaryJson(ctx: MasterContext): Json {
  const frameworks = liveFrameworks(ctx);
  const tasks = frameworks.flatMap(allTasks);
  return {
    hostname: ctx.info.hostname,
    ...(ctx.flags.cluster ? { cluster: ctx.flags.cluster } : {}),
    slaves: [...ctx.agents.values()].map((a) => {
      const on = tasks.filter((t) => t.agentId?.value === a.id);
      return { ...agentJson(ctx, a), ...stateCounts(on), framework_ids: [...new Set(on.map((t) => t.frameworkId!.value))] };
    }),
    frameworks: frameworks.map((f) => {
      const { used, offered } = frameworkResources(ctx, f);
      return {
        id: f.id,
        name: f.info.name,
        used_resources: summarizeResources(used),
        offered_resources: summarizeResources(offered),
        capabilities: f.info.capabilities.map((c) => FrameworkInfo_Capability_Type[c.type]!),
        hostname: f.info.hostname,
        webui_url: f.info.webuiUrl,
        active: f.active,
        connected: f.connected,
        recovered: f.recovered,
        ...stateCounts(allTasks(f)),
        slave_ids: [...new Set(allTasks(f).map((t) => t.agentId!.value))],
      };
    }),
  };
}
