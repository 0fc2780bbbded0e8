/**
 * What the agent tells the master when it attaches, from the read model: who it is, what it has,
 * and what runs on it with the updates the framework has not acknowledged yet (the master
 * reconciles its own picture against this on re-registration).
 */
import { create } from "@bufbuild/protobuf";
import { MESOS_VERSION } from "@mesos/core";
import { AgentInfo_Capability_Type as Cap, internal } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import { summarize } from "./summaries.ts";

const AGENT_CAPABILITIES = [
  Cap.MULTI_ROLE,
  Cap.HIERARCHICAL_ROLE,
  Cap.RESERVATION_REFINEMENT,
  Cap.RESOURCE_PROVIDER,
  Cap.RESIZE_VOLUME,
  Cap.AGENT_OPERATION_FEEDBACK,
];

export function attachRequest(ctx: AgentContext): internal.AttachRequest {
  const s = summarize(ctx);
  const tasks = s.tasks.map(({ live, task: summary, executor }) => {
    const pending = ctx.statusUpdates.pending(live.frameworkId, live.info.taskId!.value);
    // The summary's Task is built for this call: set in place (a deep copy of each was half of an
    // agent's re-registration CPU; after a failover 10,000 agents re-register at once).
    const task = summary;
    // The master knows no executor for a command task.
    task.executorId = executor.commandExecutor ? undefined : summary.executorId;
    task.agentId = ctx.info.id;
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
    frameworks: s.frameworksWithTasks.flatMap((f) => (f.info ? [f.info] : [])),
    tasks,
    checkpointedResources: ctx.total.toArray(),
    operations: [...ctx.operations.values()],
    resourceProviders: ctx.resourceProviders.report(),
  });
}
