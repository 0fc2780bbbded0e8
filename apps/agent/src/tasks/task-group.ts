/**
 * LAUNCH_GROUP with Mesos's default-executor semantics, run by the agent itself: the executor's
 * container holds the group's namespaces and cgroups (its init runs no task), and each task runs
 * in a nested container under it (`<executor>.<uuid>`, joining its namespaces) with its own
 * sandbox `<executor sandbox>/tasks/<task id>`. The tasks then take the task runner's path
 * (task-runner.ts), one after the other: a failure or a kill takes the group down, and the
 * executor's container goes once every task has ended.
 */
import { create } from "@bufbuild/protobuf";
import { errorMessage, newUuid } from "@mesos/core";
import { nestedKey } from "@mesos/plugin-api";
import { ContainerIDSchema, type ExecutorInfo, type FrameworkInfo, type TaskGroupInfo, TaskState } from "@mesos/proto";
import { type AgentContext, type LiveTask, taskKey } from "../context.ts";
import { groupTaskSandbox, sandboxPath } from "./sandbox.ts";
import { finishExecutorIfIdle, launchTask, linkLatest } from "./task-runner.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "./task-status.ts";

export function runTaskGroup(ctx: AgentContext, framework: FrameworkInfo, executor: ExecutorInfo, group: TaskGroupInfo): void {
  const frameworkId = framework.id!.value;
  const executorId = executor.executorId!.value;
  ctx.frameworks.set(frameworkId, framework);
  ctx.store.saveFramework(framework);
  const executorContainer = newUuid();
  const executorSandbox = sandboxPath(ctx.workDir, ctx.info.id!.value, frameworkId, executorId, executorContainer);
  const tasks: LiveTask[] = [];
  for (const info of group.tasks) {
    const taskId = info.taskId!.value;
    if (ctx.tasks.has(taskKey(frameworkId, taskId))) {
      ctx.log.warn(`Ignoring duplicate launch of task ${taskId} of framework ${frameworkId}`);
      continue;
    }
    const task: LiveTask = {
      frameworkId,
      info,
      state: TaskState.TASK_STAGING,
      containerId: nestedKey(executorContainer, newUuid()),
      executorId,
      sandbox: groupTaskSandbox(executorSandbox, taskId),
      killRequested: false,
    };
    ctx.tasks.set(taskKey(frameworkId, taskId), task);
    ctx.store.saveTask({ frameworkId, info, state: task.state, containerId: task.containerId, killRequested: false });
    tasks.push(task);
  }
  if (tasks.length === 0) return;
  const launching = launchGroup(ctx, framework, executor, executorContainer, executorSandbox, tasks);
  for (const t of tasks) t.launching = launching.finally(() => (t.launching = undefined));
}

async function launchGroup(
  ctx: AgentContext,
  framework: FrameworkInfo,
  executor: ExecutorInfo,
  executorContainer: string,
  executorSandbox: string,
  tasks: LiveTask[],
): Promise<void> {
  for (const t of tasks) reportStatus(ctx, t, TaskState.TASK_STARTING);
  try {
    await ctx.containerizer.launch({
      containerId: create(ContainerIDSchema, { value: executorContainer }),
      frameworkId: framework.id!.value,
      executorId: executor.executorId!.value,
      taskIds: tasks.map((t) => t.info.taskId!.value),
      sandbox: executorSandbox,
      resources: [...executor.resources, ...tasks.flatMap((t) => t.info.resources)],
      containerInfo: executor.container,
    });
  } catch (e) {
    for (const t of tasks) {
      reportStatus(ctx, t, TaskState.TASK_FAILED, {
        message: `Failed to launch the executor's container: ${errorMessage(e)}`,
        reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
        source: TaskStatus_Source.AGENT,
      });
    }
    void finishExecutorIfIdle(ctx, tasks[0]!);
    return;
  }
  linkLatest(executorSandbox);
  for (const task of tasks) await launchTask(ctx, framework, task);
  ctx.log.info(
    `Task group [${tasks.map((t) => t.info.taskId!.value).join(", ")}] of framework ${framework.id!.value} runs in executor container ${executorContainer}`,
  );
}
