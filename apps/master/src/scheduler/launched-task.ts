/**
 * What LAUNCH and LAUNCH_GROUP share: recording a launched task (STAGING, on its agent, in the
 * operator events and metrics), and the TASK_ERROR / TASK_LOST (TASK_DROPPED) answers for tasks
 * that are not launched.
 */
import { create } from "@bufbuild/protobuf";
import type { Resources } from "@mesos/core";
import { type ExecutorID, type TaskInfo, TaskInfoSchema, TaskSchema, TaskState } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { masterStatus, TaskStatus_Reason, updateEvent } from "../tasks/task-status.ts";

/** Records a task being launched (STAGING) on its agent; returns the TaskInfo to send there. */
export function addLaunchedTask(
  ctx: MasterContext,
  framework: Framework,
  info: TaskInfo,
  resources: Resources,
  agentId: string,
  executorId: ExecutorID | undefined = info.executor?.executorId,
): TaskInfo {
  const task = create(TaskSchema, {
    name: info.name,
    taskId: info.taskId,
    frameworkId: { value: framework.id },
    executorId,
    agentId: { value: agentId },
    state: TaskState.TASK_STAGING,
    resources: resources.toArray(),
    labels: info.labels,
    discovery: info.discovery,
    container: info.container,
    healthCheck: info.healthCheck,
    user: info.command?.user || framework.info.user,
  });
  ctx.tasks.launch(task);
  ctx.log.info(`Launching task ${info.taskId!.value} of framework ${framework.id} on agent ${agentId} with ${resources}`);
  return create(TaskInfoSchema, { ...info, resources: resources.toArray() });
}

export function taskError(
  ctx: MasterContext,
  framework: Framework,
  task: TaskInfo,
  message: string,
  agentId: string,
  reason: TaskStatus_Reason = TaskStatus_Reason.TASK_INVALID,
): void {
  ctx.metrics.increment("master/invalid_operations");
  ctx.log.warn(`Task ${task.taskId?.value} of framework ${framework.id} is invalid: ${message}`);
  framework.send(
    updateEvent(
      masterStatus(ctx, {
        taskId: task.taskId?.value ?? "",
        agentId,
        state: TaskState.TASK_ERROR,
        reason,
        message,
      }),
    ),
  );
}

export function dropTask(ctx: MasterContext, framework: Framework, task: TaskInfo, reason: TaskStatus_Reason, message: string): void {
  framework.send(
    updateEvent(
      masterStatus(ctx, {
        taskId: task.taskId?.value ?? "",
        agentId: task.agentId?.value,
        state: framework.partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
        reason,
        message,
      }),
    ),
  );
}
