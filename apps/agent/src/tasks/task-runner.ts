/**
 * The one path every task the agent runs takes: a command task (in a container of its own, with
 * Mesos's command executor's semantics; the task is its own executor) and a task of a task group
 * (in a container nested in its executor's, with the default executor's semantics) alike:
 *
 *   STAGING -> STARTING -> container launched -> RUNNING (or, asked to, KILLING) ->
 *   FINISHED (exit 0) | FAILED (anything else, a limitation, a failed launch) | KILLED
 *
 * A failed task kills the other tasks of its executor; once none of them runs, the executor's
 * container goes. Everything is checkpointed before it happens, so recovery can pick up at any
 * step (it resumes at `followTask`).
 */
import { mkdirSync, symlinkSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { errorMessage, formatDuration, isTerminalState } from "@mesos/core";
import { type PullEvent, pullReporter } from "@mesos/images";
import { isNestedKey, ownValue, parseContainerId, rootKey } from "@mesos/plugin-api";
import { create } from "@bufbuild/protobuf";
import { type FrameworkInfo, internal, TaskState } from "@mesos/proto";
import { agentAddress, agentPid, type AgentContext, type LiveTask } from "../context.ts";
import { ImageProvisioningError } from "../containerizer/containerizer.ts";
import { isolationNames } from "../containerizer/isolators/registry.ts";
import { linkVolumesIntoSandbox } from "../operations/volumes.ts";
import { groupOf, requestKill, startKill } from "./kill-task.ts";
import { executorSandbox, makeRunSandbox } from "./sandbox.ts";
import { taskCommand, terminalStatus, withExecutorAllowance } from "./task-container.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "./task-status.ts";

/** Launches the task's container (its executor's container, for a task of a group, already runs) and follows it to its end. */
export async function launchTask(ctx: AgentContext, framework: FrameworkInfo, task: LiveTask): Promise<void> {
  const info = task.info;
  const taskId = info.taskId!.value;
  const nested = isNestedKey(task.containerId);
  if (task.killRequested) {
    reportStatus(ctx, task, TaskState.TASK_KILLED, {
      message: "Task killed before it was launched",
      reason: TaskStatus_Reason.TASK_KILLED_DURING_LAUNCH,
    });
    void finishExecutorIfIdle(ctx, task);
    return;
  }
  const image = info.container?.mesos?.image?.docker?.name;
  let command;
  try {
    // A task with an ExecutorInfo is its custom executor's (custom-executors.ts), never run here.
    if (info.executor) throw new Error("a task of a task group cannot have an executor of its own");
    if (!info.command) throw new Error("the task has no CommandInfo");
    command = taskCommand(ctx, framework, info.command, executorEnvironment(ctx, framework, task), image !== undefined);
  } catch (e) {
    failLaunch(ctx, task, `Failed to launch task: ${errorMessage(e)}`);
    return;
  }
  if (task.state === TaskState.TASK_STAGING) reportStatus(ctx, task, TaskState.TASK_STARTING, image ? { message: `Pulling image '${image}'` } : {});
  let created: string | undefined;
  try {
    created = nested ? mkdirSync(task.sandbox, { recursive: true }) : makeRunSandbox(task.sandbox);
    await ctx.resourceProviders.publish(info.resources);
    if (!mountsVolumes(ctx)) linkVolumesIntoSandbox(ctx.workDir, task.sandbox, info.resources);
    await ctx.containerizer.launch({
      containerId: parseContainerId(task.containerId),
      frameworkId: task.frameworkId,
      executorId: task.executorId ?? taskId,
      taskIds: [taskId],
      sandbox: task.sandbox,
      // A command task's container is its executor's too: it carries the executor's allowance.
      resources: nested ? info.resources : withExecutorAllowance(info.resources),
      commandInfo: info.command,
      containerInfo: info.container,
      user: command.user?.name,
      command,
      onImageEvent: image ? pullStatusUpdates(ctx, task, image) : undefined,
    });
  } catch (e) {
    // A failed pull names the image and the cause itself: `Failed to pull image 'x': ...`.
    failLaunch(ctx, task, e instanceof ImageProvisioningError ? e.message : `Failed to launch container: ${errorMessage(e)}`);
    return;
  }
  if (!nested) linkLatest(task.sandbox, created);
  if (task.killRequested) startKill(ctx, task, info.killPolicy);
  else reportStatus(ctx, task, TaskState.TASK_RUNNING);
  ctx.log.info(`Task ${taskId} of framework ${task.frameworkId} is running in container ${task.containerId}`);
  followTask(ctx, task);
}

/** filesystem/linux (which needs the linux launcher) mounts persistent volumes; otherwise they are symlinks. */
function mountsVolumes(ctx: AgentContext): boolean {
  return isolationNames(ctx.flags.isolation).includes("filesystem/linux");
}

/** The pull's progress as more TASK_STARTING updates (at most every 2 s, and once per finished layer). */
function pullStatusUpdates(ctx: AgentContext, task: LiveTask, image: string): (e: PullEvent) => void {
  return pullReporter({
    image,
    now: () => ctx.clock.now(),
    intervalMs: 2000,
    emit: (message) => {
      if (task.state === TaskState.TASK_STARTING && !task.killRequested) reportStatus(ctx, task, TaskState.TASK_STARTING, { message });
    },
  });
}

function failLaunch(ctx: AgentContext, task: LiveTask, message: string): void {
  ctx.metrics.increment("slave/container_launch_errors");
  ctx.resourceProviders.release(task.info.resources);
  reportStatus(ctx, task, TaskState.TASK_FAILED, { message, reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED, source: TaskStatus_Source.AGENT });
  killRestOfExecutor(ctx, task);
  followTask(ctx, task);
}

/** The container's end becomes the task's terminal update; then the container is forgotten. */
export function followTask(ctx: AgentContext, task: LiveTask): void {
  ctx.containerizer.wait(task.containerId).then(
    (ended) => {
      task.killTimer?.cancel();
      const { state, fields } = terminalStatus(task, ended);
      reportStatus(ctx, task, state, fields);
      ctx.resourceProviders.release(task.info.resources);
      if (state === TaskState.TASK_FAILED) killRestOfExecutor(ctx, task);
      try {
        ctx.containerizer.remove(task.containerId);
      } catch {}
      void finishExecutorIfIdle(ctx, task);
    },
    (e) => {
      task.killTimer?.cancel();
      reportStatus(ctx, task, TaskState.TASK_FAILED, {
        message: `Failed to launch container: ${errorMessage(e)}`,
        reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
        source: TaskStatus_Source.AGENT,
      });
      void finishExecutorIfIdle(ctx, task);
    },
  );
}

/** The default executor's policy: one task failing takes the others down (a command task has no others). */
function killRestOfExecutor(ctx: AgentContext, failed: LiveTask): void {
  for (const t of groupOf(ctx, failed)) if (t !== failed) requestKill(ctx, t);
}

/** Once every task of the executor has ended, its container is destroyed and forgotten (a command task's went with it). */
export async function finishExecutorIfIdle(ctx: AgentContext, task: LiveTask): Promise<void> {
  const group = groupOf(ctx, task);
  // Only the first of the group's tasks to get here takes the container down and reports it.
  if (!group.every((t) => isTerminalState(t.state)) || group.some((t) => t.executorEnding)) return;
  for (const t of group) t.executorEnding = true;
  const executorContainer = rootKey(task.containerId);
  if (ctx.containerizer.state(executorContainer) !== undefined) {
    await ctx.containerizer.destroy(executorContainer).catch((e) => {
      ctx.metrics.increment("containerizer/mesos/container_destroy_errors");
      ctx.log.warn(`Failed to destroy container ${executorContainer}: ${errorMessage(e)}`);
    });
    ctx.metrics.increment("slave/executors_terminated");
    try {
      ctx.containerizer.remove(executorContainer);
    } catch {}
  }
  // A task group's default executor is one the framework knows (a command task's is not): as in
  // Mesos, the master hears that it exited, with the status the default executor exits with (0).
  if (task.executorId !== undefined) {
    ctx.sendToMaster({
      case: "exitedExecutor",
      value: create(internal.ExitedExecutorSchema, { frameworkId: { value: task.frameworkId }, executorId: { value: task.executorId }, status: 0 }),
    });
  }
}

/**
 * `runs/latest` points at the newest run, as in Mesos. `created` is the first directory made for
 * the sandbox, if any: when `runs/` itself is new there is no old link to replace (a command task's
 * executor directory is new for every task).
 */
export function linkLatest(sandbox: string, created?: string): void {
  const runs = dirname(sandbox);
  const latest = `${runs}/latest`;
  try {
    if (created === undefined || created.length > runs.length) {
      try {
        unlinkSync(latest);
      } catch {}
    }
    symlinkSync(sandbox, latest);
  } catch {}
}

/**
 * Mesos's executor environment (slave.cpp's executorEnvironment), the same for every task:
 * MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID, MESOS_DIRECTORY (the executor's sandbox on the host),
 * MESOS_SLAVE_ID, MESOS_SLAVE_PID, MESOS_AGENT_ENDPOINT, MESOS_CHECKPOINT and
 * MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD; the containerizer's MESOS_SANDBOX (the task's sandbox; in
 * a root filesystem, where it is mounted); and ours: MESOS_AGENT_ID, MESOS_TASK_ID and
 * MESOS_CONTAINER_ID (the container's own value).
 */
function executorEnvironment(ctx: AgentContext, framework: FrameworkInfo, task: LiveTask): Record<string, string> {
  const agentId = ctx.info.id!.value;
  return {
    MESOS_FRAMEWORK_ID: task.frameworkId,
    MESOS_EXECUTOR_ID: task.executorId ?? task.info.taskId!.value,
    MESOS_DIRECTORY: executorSandbox(task),
    MESOS_SANDBOX: task.sandbox,
    MESOS_SLAVE_ID: agentId,
    MESOS_AGENT_ID: agentId,
    MESOS_SLAVE_PID: agentPid(ctx),
    MESOS_AGENT_ENDPOINT: agentAddress(ctx),
    MESOS_CHECKPOINT: framework.checkpoint ? "1" : "0",
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: formatDuration(ctx.flags.executor_shutdown_grace_period),
    MESOS_TASK_ID: task.info.taskId!.value,
    MESOS_CONTAINER_ID: ownValue(task.containerId),
  };
}
