/**
 * The read model as the agent's v0 `/state` JSON, the shape Mesos 1.8's agent writes and its web UI
 * reads: the agent, its reserved and unreserved resources (total and allocated), frameworks with
 * their executors (live tasks, queued and completed tasks), completed executors and frameworks.
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { reservationRole, type Resources, summarizeResources, toMesosJson, versionJson } from "@mesos/core";
import { agent, type FrameworkInfo, type Resource, ResourceSchema, type Task, TaskState } from "@mesos/proto";
import { getResourceProviders } from "../api/resource-provider-calls.ts";
import { type AgentContext, agentPid } from "../context.ts";
import type { CompletedExecutor } from "../tasks/completed-history.ts";
import type { AgentSummary, ExecutorSummary } from "./summaries.ts";

type Json = Record<string, JsonValue>;

/** Reserved resources by the role they are reserved to, each summarised. */
function byRole(resources: Resources): Json {
  const out: Record<string, Resource[]> = {};
  for (const r of resources.reserved()) (out[reservationRole(r)] ??= []).push(r);
  return Object.fromEntries(Object.entries(out).map(([role, rs]) => [role, summarizeResources(rs)]));
}

const roleOf = (resources: readonly Resource[], framework?: FrameworkInfo) =>
  resources.find((r) => r.allocationInfo?.role)?.allocationInfo?.role ?? framework?.roles[0] ?? framework?.role ?? "*";

function taskJson(t: Task, framework?: FrameworkInfo): Json {
  return {
    id: t.taskId!.value,
    name: t.name,
    framework_id: t.frameworkId!.value,
    executor_id: t.executorId?.value ?? "",
    slave_id: t.agentId?.value ?? "",
    state: TaskState[t.state]!,
    resources: summarizeResources(t.resources),
    role: roleOf(t.resources, framework),
    statuses: [],
  };
}

function executorJson(e: ExecutorSummary | CompletedExecutor, framework: FrameworkInfo | undefined, live: Task[], completed: Task[]): Json {
  const resources = live.flatMap((t) => t.resources);
  return {
    id: e.id,
    name: e.name,
    source: e.source,
    container: e.container,
    directory: e.directory,
    role: roleOf([...resources, ...completed.flatMap((t) => t.resources)], framework),
    resources: summarizeResources(resources),
    tasks: live.map((t) => taskJson(t, framework)),
    queued_tasks: [],
    completed_tasks: completed.map((t) => taskJson(t, framework)),
  };
}

function frameworkJson(ctx: AgentContext, id: string, info: FrameworkInfo | undefined, live: ExecutorSummary[]): Json {
  const liveKeys = new Set(live.map((e) => e.container));
  const history = ctx.completed.completedExecutors(id);
  const completedOf = (container: string) => history.find((h) => h.container === container)?.tasks ?? [];
  return {
    id,
    name: info?.name ?? "",
    user: info?.user ?? "",
    hostname: info?.hostname ?? "",
    role: info?.roles[0] ?? info?.role ?? "*",
    roles: info?.roles.length ? info.roles : [info?.role ?? "*"],
    checkpoint: info?.checkpoint ?? false,
    executors: live.map((e) =>
      executorJson(
        e,
        info,
        e.tasks.map((t) => t.task),
        completedOf(e.container),
      ),
    ),
    completed_executors: history.filter((h) => !liveKeys.has(h.container)).map((h) => executorJson(h, info, [], h.tasks)),
  };
}

export function agentStateJson(ctx: AgentContext, s: AgentSummary): Json {
  const slaveId = ctx.info.id?.value ?? "";
  return {
    ...versionJson(),
    start_time: ctx.startTime / 1000,
    id: slaveId,
    pid: agentPid(ctx),
    hostname: ctx.info.hostname,
    resources: summarizeResources(ctx.info.resources),
    reserved_resources: byRole(ctx.total),
    unreserved_resources: summarizeResources(ctx.total.unreserved()),
    reserved_resources_allocated: byRole(s.used),
    unreserved_resources_allocated: summarizeResources(s.used.unreserved()),
    resources_full: ctx.info.resources.map((r) => toMesosJson(ResourceSchema, r)),
    attributes: Object.fromEntries(ctx.info.attributes.map((a) => [a.name, a.text?.value ?? a.scalar?.value ?? ""])),
    // Mesos writes the master's hostname only (its pid is elsewhere).
    master_hostname: ctx.flags.master.replace(/^[a-z]+:\/\//, "").replace(/:\d+$/, ""),
    flags: ctx.effectiveFlags,
    frameworks: s.frameworksWithTasks.map((f) => frameworkJson(ctx, f.id, f.info, f.executors)),
    completed_frameworks: ctx.completed.completedFrameworks().map((f) => ({
      ...frameworkJson(ctx, f.id, f.info, []),
      completed_executors: f.executors.map((h) => executorJson(h, f.info, [], h.tasks)),
    })),
    resource_providers: getResourceProviders(ctx).resourceProviders.map((p) =>
      toMesosJson(agent.Response_GetResourceProviders_ResourceProviderSchema, p),
    ),
  };
}
