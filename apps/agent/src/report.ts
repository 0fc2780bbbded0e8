/**
 * What the agent tells the master when it attaches: who it is, what it has, and what runs on it
 * (the master reconciles its own picture against this on re-registration).
 */
import { create } from "@bufbuild/protobuf";
import { MESOS_VERSION } from "@mesos/core";
import { AgentInfo_Capability_Type as Cap, internal, type Task, TaskSchema } from "@mesos/proto";
import type { AgentContext } from "./context.ts";

export const AGENT_CAPABILITIES = [
  Cap.MULTI_ROLE,
  Cap.HIERARCHICAL_ROLE,
  Cap.RESERVATION_REFINEMENT,
  Cap.RESIZE_VOLUME,
  Cap.AGENT_OPERATION_FEEDBACK,
];

export function attachRequest(ctx: AgentContext): internal.AttachRequest {
  const tasks: Task[] = [];
  const frameworkIds = new Set<string>();
  for (const t of ctx.tasks.values()) {
    frameworkIds.add(t.frameworkId);
    const pending = ctx.statusUpdates.pending(t.frameworkId, t.info.taskId!.value);
    const head = pending[0];
    tasks.push(
      create(TaskSchema, {
        name: t.info.name,
        taskId: t.info.taskId,
        frameworkId: { value: t.frameworkId },
        executorId: t.executorId ? { value: t.executorId } : undefined,
        agentId: ctx.info.id,
        state: t.state,
        resources: t.info.resources,
        statuses: pending.map((u) => u.status),
        statusUpdateState: head?.status.state,
        statusUpdateUuid: head?.status.uuid,
        labels: t.info.labels,
        discovery: t.info.discovery,
        container: t.info.container,
        user: t.info.command?.user || ctx.frameworks.get(t.frameworkId)?.user,
      }),
    );
  }
  return create(internal.AttachRequestSchema, {
    agentInfo: ctx.info,
    endpoint: ctx.endpoint,
    version: MESOS_VERSION,
    capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
    frameworks: [...frameworkIds].map((id) => ctx.frameworks.get(id)!).filter(Boolean),
    tasks,
    checkpointedResources: ctx.total.toArray(),
    operations: [...ctx.operations.values()],
  });
}
