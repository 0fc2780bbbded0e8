/** The agent's v0 `/state` JSON (the parts tools read: frameworks, executors, tasks, sandboxes). */
import type { JsonValue } from "@bufbuild/protobuf";
import { MESOS_VERSION, summarizeResources, toMesosJson } from "@mesos/core";
import { ResourceSchema, TaskState } from "@mesos/proto";
import type { AgentContext } from "../context.ts";

export function agentStateJson(ctx: AgentContext, endpoint: string): Record<string, JsonValue> {
  const url = new URL(endpoint);
  const byFramework = new Map<string, JsonValue[]>();
  for (const t of ctx.tasks.values()) {
    const executors = byFramework.get(t.frameworkId) ?? [];
    byFramework.set(t.frameworkId, executors);
    executors.push({
      id: t.info.taskId!.value,
      name: `Command Executor (Task: ${t.info.taskId!.value})`,
      container: t.containerId,
      directory: t.sandbox,
      resources: summarizeResources(t.info.resources),
      tasks: [
        {
          id: t.info.taskId!.value,
          name: t.info.name,
          framework_id: t.frameworkId,
          executor_id: t.info.taskId!.value,
          slave_id: ctx.info.id?.value ?? "",
          state: TaskState[t.state],
          resources: summarizeResources(t.info.resources),
        },
      ],
    });
  }
  return {
    version: MESOS_VERSION,
    id: ctx.info.id?.value ?? "",
    pid: `slave(1)@${url.hostname}:${url.port}`,
    hostname: ctx.info.hostname,
    resources: summarizeResources(ctx.info.resources),
    resources_full: ctx.info.resources.map((r) => toMesosJson(ResourceSchema, r)),
    attributes: Object.fromEntries(ctx.info.attributes.map((a) => [a.name, a.text?.value ?? a.scalar?.value ?? ""])),
    master_hostname: ctx.flags.master,
    flags: ctx.effectiveFlags,
    frameworks: [...byFramework].map(([id, executors]) => ({
      id,
      name: ctx.frameworks.get(id)?.name ?? "",
      user: ctx.frameworks.get(id)?.user ?? "",
      executors,
      completed_executors: [],
    })),
    completed_frameworks: [],
  };
}
