/** The read model as the agent's v0 `/state` JSON (the parts tools read: frameworks, executors, tasks, sandboxes). */
import type { JsonValue } from "@bufbuild/protobuf";
import { summarizeResources, toMesosJson, versionJson } from "@mesos/core";
import { agent, ResourceSchema, TaskState } from "@mesos/proto";
import { getResourceProviders } from "../api/resource-provider-calls.ts";
import { type AgentContext, agentPid } from "../context.ts";
import type { AgentSummary } from "./summaries.ts";

export function agentStateJson(ctx: AgentContext, s: AgentSummary): Record<string, JsonValue> {
  const slaveId = ctx.info.id?.value ?? "";
  return {
    ...versionJson(),
    id: slaveId,
    pid: agentPid(ctx),
    hostname: ctx.info.hostname,
    resources: summarizeResources(ctx.info.resources),
    resources_full: ctx.info.resources.map((r) => toMesosJson(ResourceSchema, r)),
    attributes: Object.fromEntries(ctx.info.attributes.map((a) => [a.name, a.text?.value ?? a.scalar?.value ?? ""])),
    master_hostname: ctx.flags.master,
    flags: ctx.effectiveFlags,
    frameworks: s.frameworksWithTasks.map((f) => ({
      id: f.id,
      name: f.info?.name ?? "",
      user: f.info?.user ?? "",
      executors: f.executors.map((e) => ({
        id: e.id,
        name: e.name,
        container: e.container,
        directory: e.directory,
        resources: summarizeResources(e.resources),
        tasks: e.tasks.map(({ live: t }) => ({
          id: t.info.taskId!.value,
          name: t.info.name,
          framework_id: t.frameworkId,
          executor_id: e.id,
          slave_id: slaveId,
          state: TaskState[t.state],
          resources: summarizeResources(t.info.resources),
        })),
      })),
      completed_executors: [],
    })),
    completed_frameworks: [],
    resource_providers: getResourceProviders(ctx).resourceProviders.map((p) =>
      toMesosJson(agent.Response_GetResourceProviders_ResourceProviderSchema, p),
    ),
  };
}
