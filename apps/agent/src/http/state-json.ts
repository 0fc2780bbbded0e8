/** The agent's v0 `/state` JSON (the parts tools read: frameworks, executors, tasks, sandboxes). */
import { dirname } from "node:path";
import type { JsonValue } from "@bufbuild/protobuf";
import { MESOS_VERSION, summarizeResources, toMesosJson } from "@mesos/core";
import { ResourceSchema, TaskState } from "@mesos/proto";
import { type AgentContext, agentPid } from "../context.ts";

export function agentStateJson(ctx: AgentContext): Record<string, JsonValue> {
  const byFramework = new Map<string, Map<string, { [k: string]: JsonValue; tasks: JsonValue[] }>>();
  for (const t of ctx.tasks.values()) {
    const executors = byFramework.get(t.frameworkId) ?? new Map();
    byFramework.set(t.frameworkId, executors);
    // A command task is its own executor; the tasks of a group share the group's executor.
    const executorId = t.executorId ?? t.info.taskId!.value;
    let executor = executors.get(executorId);
    if (!executor) {
      executor = {
        id: executorId,
        name: t.executorId ? executorId : `Command Executor (Task: ${executorId})`,
        container: t.containerId.split(".")[0]!,
        directory: t.executorId ? dirname(dirname(t.sandbox)) : t.sandbox,
        resources: summarizeResources(t.info.resources),
        tasks: [],
      };
      executors.set(executorId, executor);
    }
    executor.tasks.push({
      id: t.info.taskId!.value,
      name: t.info.name,
      framework_id: t.frameworkId,
      executor_id: executorId,
      slave_id: ctx.info.id?.value ?? "",
      state: TaskState[t.state],
      resources: summarizeResources(t.info.resources),
    });
  }
  return {
    version: MESOS_VERSION,
    id: ctx.info.id?.value ?? "",
    pid: agentPid(ctx),
    hostname: ctx.info.hostname,
    resources: summarizeResources(ctx.info.resources),
    resources_full: ctx.info.resources.map((r) => toMesosJson(ResourceSchema, r)),
    attributes: Object.fromEntries(ctx.info.attributes.map((a) => [a.name, a.text?.value ?? a.scalar?.value ?? ""])),
    master_hostname: ctx.flags.master,
    flags: ctx.effectiveFlags,
    frameworks: [...byFramework].map(([id, byExecutor]) => ({
      id,
      name: ctx.frameworks.get(id)?.name ?? "",
      user: ctx.frameworks.get(id)?.user ?? "",
      executors: [...byExecutor.values()],
      completed_executors: [],
    })),
    completed_frameworks: [],
  };
}
