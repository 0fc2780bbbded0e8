/** Status updates the agent generates for its tasks (as Mesos's command executor and agent do). */
import { create } from "@bufbuild/protobuf";
import { isTerminalState, newUuidBytes } from "@mesos/core";
import { parseContainerId } from "@mesos/plugin-api";
import { type Resource, type TaskState, TaskStatus_Reason, TaskStatus_Source, TaskStatusSchema } from "@mesos/proto";
import type { AgentContext, LiveTask } from "../context.ts";
import { terminalTaskCounter } from "../agent-metrics.ts";
import { forgetTask } from "./shutdown-framework.ts";

export interface StatusFields {
  message?: string;
  reason?: TaskStatus_Reason;
  source?: TaskStatus_Source;
  /** How the command ended, attached as the labels `exit_status` / `termination_signal`. */
  exitCode?: number;
  signal?: number;
  /** The resources whose limit ended the task (TaskStatus.limitation). */
  limitation?: Resource[];
}

/** Records the task's new state and its update (checkpointed together, before the update is sent) and queues the update for the master. */
export function reportStatus(ctx: AgentContext, task: LiveTask, state: TaskState, fields: StatusFields = {}): void {
  if (isTerminalState(task.state)) return;
  task.state = state;
  if (ctx.shuttingDown.has(task.frameworkId)) {
    if (isTerminalState(state)) forgetTask(ctx, task.frameworkId, task.info.taskId!.value);
    return;
  }
  const status = create(TaskStatusSchema, {
    taskId: task.info.taskId,
    state,
    message: fields.message,
    source: fields.source ?? TaskStatus_Source.EXECUTOR,
    reason: fields.reason,
    agentId: ctx.info.id,
    executorId: { value: task.executorId ?? task.info.taskId!.value },
    timestamp: ctx.clock.now() / 1000,
    uuid: newUuidBytes(),
    containerStatus: { containerId: parseContainerId(task.containerId) },
    limitation: fields.limitation ? { resources: fields.limitation } : undefined,
    labels: terminationLabels(fields),
  });
  const update = { frameworkId: task.frameworkId, taskId: task.info.taskId!.value, status };
  ctx.store.reportTaskStatus(update);
  ctx.metrics.increment("slave/valid_status_updates");
  const counter = terminalTaskCounter(state);
  if (counter) ctx.metrics.increment(counter);
  ctx.statusUpdates.update(update, { checkpointed: true });
}

export { TaskStatus_Reason, TaskStatus_Source };

function terminationLabels(fields: StatusFields) {
  const labels = [];
  if (fields.exitCode !== undefined) labels.push({ key: "exit_status", value: String(fields.exitCode) });
  if (fields.signal !== undefined) labels.push({ key: "termination_signal", value: String(fields.signal) });
  return labels.length > 0 ? { labels } : undefined;
}
