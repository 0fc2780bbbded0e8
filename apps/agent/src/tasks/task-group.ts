/**
 * LAUNCH_GROUP with Mesos's default-executor semantics, run by the agent itself: the executor's
 * container holds the group's namespaces and cgroups (its init runs no task), and each task runs
 * in a nested container under it (`<executor>.<uuid>`, joining its namespaces) with its own
 * sandbox `<executor sandbox>/tasks/<task id>`. When a task fails, or one is killed, the others are
 * killed (each with its KillPolicy); when every task has ended, the executor's container goes.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { isTerminalState, newUuid } from "@mesos/core";
import { parseContainerId } from "@mesos/plugin-api";
import { ContainerIDSchema, type ExecutorInfo, type FrameworkInfo, type TaskGroupInfo, TaskState } from "@mesos/proto";
import { type AgentContext, type LiveTask, taskKey } from "../context.ts";
import { groupOf, requestKill, startKill } from "./kill-task.ts";
import { linkLatest } from "./run-task.ts";
import { sandboxPath } from "./sandbox.ts";
import { taskCommand, terminalStatus } from "./task-container.ts";
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
      containerId: `${executorContainer}.${newUuid()}`,
      executorId,
      sandbox: join(executorSandbox, "tasks", taskId),
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
  const frameworkId = framework.id!.value;
  const executorId = executor.executorId!.value;
  const fail = (task: LiveTask, message: string) =>
    reportStatus(ctx, task, TaskState.TASK_FAILED, { message, reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED, source: TaskStatus_Source.AGENT });

  for (const t of tasks) reportStatus(ctx, t, TaskState.TASK_STARTING);
  try {
    await ctx.containerizer.launch({
      containerId: create(ContainerIDSchema, { value: executorContainer }),
      frameworkId,
      executorId,
      taskIds: tasks.map((t) => t.info.taskId!.value),
      sandbox: executorSandbox,
      resources: [...executor.resources, ...tasks.flatMap((t) => t.info.resources)],
      containerInfo: executor.container,
    });
  } catch (e) {
    for (const t of tasks) fail(t, `Failed to launch the executor's container: ${(e as Error).message}`);
    void finishGroupIfDone(ctx, tasks[0]!);
    return;
  }
  linkLatest(executorSandbox);

  for (const task of tasks) {
    const taskId = task.info.taskId!.value;
    if (task.killRequested) {
      reportStatus(ctx, task, TaskState.TASK_KILLED, {
        message: "Task killed before it was launched",
        reason: TaskStatus_Reason.TASK_KILLED_DURING_LAUNCH,
      });
      continue;
    }
    try {
      mkdirSync(task.sandbox, { recursive: true });
      if (!task.info.command) throw new Error("the task has no CommandInfo");
      if (task.info.executor) throw new Error("a task of a task group cannot have an executor of its own");
      const command = taskCommand(ctx, framework, task.info.command, {
        MESOS_SANDBOX: task.sandbox,
        MESOS_TASK_ID: taskId,
        MESOS_FRAMEWORK_ID: frameworkId,
        MESOS_EXECUTOR_ID: executorId,
        MESOS_AGENT_ID: ctx.info.id!.value,
        MESOS_CONTAINER_ID: task.containerId.split(".").at(-1)!,
      });
      await ctx.containerizer.launch({
        containerId: parseContainerId(task.containerId),
        frameworkId,
        executorId,
        taskIds: [taskId],
        sandbox: task.sandbox,
        resources: task.info.resources,
        commandInfo: task.info.command,
        containerInfo: task.info.container,
        user: command.user?.name,
        command,
      });
    } catch (e) {
      fail(task, `Failed to launch container: ${(e as Error).message}`);
      killRestOfGroup(ctx, task);
      watchGroupTask(ctx, task);
      continue;
    }
    if (task.killRequested) startKill(ctx, task, task.info.killPolicy);
    else reportStatus(ctx, task, TaskState.TASK_RUNNING);
    watchGroupTask(ctx, task);
  }
  ctx.log.info(
    `Task group [${tasks.map((t) => t.info.taskId!.value).join(", ")}] of framework ${frameworkId} runs in executor container ${executorContainer}`,
  );
}

/** A group task's container ended: its terminal update; a failure takes the group down. */
export function watchGroupTask(ctx: AgentContext, task: LiveTask): void {
  ctx.containerizer.wait(task.containerId).then(
    (ended) => {
      task.killTimer?.cancel();
      const { state, fields } = terminalStatus(task, ended);
      reportStatus(ctx, task, state, fields);
      if (state === TaskState.TASK_FAILED) killRestOfGroup(ctx, task);
      try {
        ctx.containerizer.remove(task.containerId);
      } catch {}
      void finishGroupIfDone(ctx, task);
    },
    () => {
      reportStatus(ctx, task, TaskState.TASK_FAILED, {
        message: "The task's container is gone",
        reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
        source: TaskStatus_Source.AGENT,
      });
      void finishGroupIfDone(ctx, task);
    },
  );
}

function killRestOfGroup(ctx: AgentContext, failed: LiveTask): void {
  for (const t of groupOf(ctx, failed)) if (t !== failed) requestKill(ctx, t);
}

/** Once every task of the group has ended, the executor's container is destroyed and forgotten. */
async function finishGroupIfDone(ctx: AgentContext, task: LiveTask): Promise<void> {
  if (!groupOf(ctx, task).every((t) => isTerminalState(t.state))) return;
  const executorContainer = task.containerId.split(".")[0]!;
  if (!ctx.containerizer.has(executorContainer)) return;
  await ctx.containerizer.destroy(executorContainer).catch(() => undefined);
  try {
    ctx.containerizer.remove(executorContainer);
  } catch {}
}
