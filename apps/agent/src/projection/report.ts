/**
 * What the agent tells the master when it attaches, from the read model: who it is, what it has,
 * and what runs on it with the updates the framework has not acknowledged yet (the master
 * reconciles its own picture against this on re-registration).
 */
import { create } from "@bufbuild/protobuf";
import { MESOS_VERSION } from "@mesos/core";
import { AgentInfo_Capability_Type as Cap, type FrameworkInfo, internal } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import { taskMessage } from "./summaries.ts";

const AGENT_CAPABILITIES = [
  Cap.MULTI_ROLE,
  Cap.HIERARCHICAL_ROLE,
  Cap.RESERVATION_REFINEMENT,
  Cap.RESOURCE_PROVIDER,
  Cap.RESIZE_VOLUME,
  Cap.AGENT_OPERATION_FEEDBACK,
];

export function attachRequest(ctx: AgentContext): internal.AttachRequest {
  // Straight from the live tasks, not the full read model (summaries.ts: executors, sandboxes, sums
  // the report does not carry); after a failover 10,000 agents build this at once.
  const frameworks = new Map<string, FrameworkInfo | undefined>();
  const tasks = [...ctx.tasks.values()].map((live) => {
    if (!frameworks.has(live.frameworkId)) frameworks.set(live.frameworkId, ctx.frameworks.get(live.frameworkId));
    // Built for this call: set in place.
    const task = taskMessage(ctx, live);
    // The master knows no executor for a command task.
    if (!live.executorId) task.executorId = undefined;
    task.agentId = ctx.info.id;
    const pending = ctx.statusUpdates.pending(live.frameworkId, live.info.taskId!.value);
    task.statuses = pending.map((u) => u.status);
    const head = pending[0];
    if (head) {
      task.statusUpdateState = head.status.state;
      task.statusUpdateUuid = head.status.uuid;
    }
    return task;
  });
  return create(internal.AttachRequestSchema, {
    agentInfo: ctx.info,
    endpoint: ctx.endpoint,
    version: MESOS_VERSION,
    capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
    frameworks: [...frameworks.values()].filter((info) => info !== undefined),
    tasks,
    checkpointedResources: ctx.total.toArray(),
    operations: [...ctx.operations.values()],
    resourceProviders: ctx.resourceProviders.report(),
  });
}
