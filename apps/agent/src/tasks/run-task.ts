/**
 * Running a command task, with the command executor's semantics: STARTING, then RUNNING once the
 * process runs, then FINISHED (exit 0), FAILED (anything else, a limitation, a failed launch) or
 * KILLED (the agent stopped it). Everything is checkpointed before it happens, so recovery can pick
 * up at any step. The task runs in a container of its own (the executor id is the task id).
 */
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname } from "node:path";
import { linkVolumesIntoSandbox } from "../operations/volumes.ts";
import { newUuid } from "@mesos/core";
import { create } from "@bufbuild/protobuf";
import { ContainerIDSchema, type FrameworkInfo, type TaskInfo, TaskState } from "@mesos/proto";
import { type AgentContext, type LiveTask, taskKey } from "../context.ts";
import { startKill } from "./kill-task.ts";
import { sandboxPath } from "./sandbox.ts";
import { taskCommand, terminalStatus, withExecutorAllowance } from "./task-container.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "./task-status.ts";

export function runTask(ctx: AgentContext, framework: FrameworkInfo, info: TaskInfo): void {
  const frameworkId = framework.id!.value;
  const taskId = info.taskId!.value;
  const key = taskKey(frameworkId, taskId);
  if (ctx.tasks.has(key)) {
    ctx.log.warn(`Ignoring duplicate launch of task ${taskId} of framework ${frameworkId}`);
    return;
  }
  ctx.frameworks.set(frameworkId, framework);
  ctx.store.saveFramework(framework);
  const containerId = newUuid();
  const sandbox = sandboxPath(ctx.workDir, ctx.info.id!.value, frameworkId, taskId, containerId);
  const task: LiveTask = { frameworkId, info, state: TaskState.TASK_STAGING, containerId, sandbox, killRequested: false };
  ctx.tasks.set(key, task);
  ctx.store.saveTask({ frameworkId, info, state: task.state, containerId, killRequested: false });
  task.launching = launch(ctx, framework, task).finally(() => (task.launching = undefined));
}

async function launch(ctx: AgentContext, framework: FrameworkInfo, task: LiveTask): Promise<void> {
  const info = task.info;
  const taskId = info.taskId!.value;
  let command;
  try {
    if (info.executor) throw new Error("custom executors are not supported; launch a command task or a task group");
    if (!info.command) throw new Error("the task has no CommandInfo");
    command = taskCommand(ctx, framework, info.command, {
      MESOS_SANDBOX: task.sandbox,
      MESOS_DIRECTORY: task.sandbox,
      MESOS_TASK_ID: taskId,
      MESOS_FRAMEWORK_ID: task.frameworkId,
      MESOS_EXECUTOR_ID: taskId,
      MESOS_AGENT_ID: ctx.info.id!.value,
      MESOS_CONTAINER_ID: task.containerId,
    });
  } catch (e) {
    reportStatus(ctx, task, TaskState.TASK_FAILED, {
      message: `Failed to launch task: ${(e as Error).message}`,
      reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
      source: TaskStatus_Source.AGENT,
    });
    return;
  }
  reportStatus(ctx, task, TaskState.TASK_STARTING);
  try {
    mkdirSync(task.sandbox, { recursive: true });
    linkVolumesIntoSandbox(ctx.workDir, task.sandbox, info.resources);
    await ctx.containerizer.launch({
      containerId: create(ContainerIDSchema, { value: task.containerId }),
      frameworkId: task.frameworkId,
      executorId: taskId,
      taskIds: [taskId],
      sandbox: task.sandbox,
      resources: withExecutorAllowance(info.resources),
      commandInfo: info.command,
      containerInfo: info.container,
      user: command.user?.name,
      command,
    });
  } catch (e) {
    reportStatus(ctx, task, TaskState.TASK_FAILED, {
      message: `Failed to launch container: ${(e as Error).message}`,
      reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
      source: TaskStatus_Source.AGENT,
    });
    watchContainer(ctx, task);
    return;
  }
  linkLatest(task.sandbox);
  if (task.killRequested) {
    startKill(ctx, task, info.killPolicy);
  } else {
    reportStatus(ctx, task, TaskState.TASK_RUNNING);
  }
  ctx.log.info(`Task ${taskId} of framework ${task.frameworkId} is running in container ${task.containerId}`);
  watchContainer(ctx, task);
}

/** `runs/latest` points at the newest run, as in Mesos. */
export function linkLatest(sandbox: string): void {
  const latest = `${dirname(sandbox)}/latest`;
  try {
    rmSync(latest, { force: true });
    symlinkSync(sandbox, latest);
  } catch {}
}

/** Turns the container's end into the task's terminal update, then forgets the container. */
export function watchContainer(ctx: AgentContext, task: LiveTask): void {
  ctx.containerizer.wait(task.containerId).then(
    (ended) => {
      task.killTimer?.cancel();
      const { state, fields } = terminalStatus(task, ended);
      reportStatus(ctx, task, state, fields);
      try {
        ctx.containerizer.remove(task.containerId);
      } catch {}
    },
    (e) => {
      task.killTimer?.cancel();
      reportStatus(ctx, task, TaskState.TASK_FAILED, {
        message: `Failed to launch container: ${(e as Error).message}`,
        reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
        source: TaskStatus_Source.AGENT,
      });
    },
  );
}
