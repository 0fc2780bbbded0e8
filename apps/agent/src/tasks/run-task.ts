/**
 * Running a command task, with the command executor's semantics: STARTING, then RUNNING once the
 * process runs, then FINISHED (exit 0), FAILED (anything else) or KILLED (the agent stopped it).
 * Everything is checkpointed before it happens, so recovery can pick up at any step.
 */
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { linkVolumesIntoSandbox } from "../operations/volumes.ts";
import { dirname, join } from "node:path";
import { newUuid } from "@mesos/core";
import { type FrameworkInfo, FrameworkInfo_Capability_Type, type KillPolicy, type TaskInfo, TaskState } from "@mesos/proto";
import { type AgentContext, type LiveTask, taskKey } from "../context.ts";
import { describeTermination, type LaunchUser, type Termination } from "../containerizer/launch-info.ts";
import { commandEnvironment, commandToExec } from "./command.ts";
import { sandboxPath } from "./sandbox.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "./task-status.ts";
import { currentUserName, lookupUser } from "./users.ts";

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
  let prepared;
  try {
    prepared = prepareLaunch(ctx, framework, task);
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
    await ctx.containerizer.launch(prepared);
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

function prepareLaunch(ctx: AgentContext, framework: FrameworkInfo, task: LiveTask) {
  const info = task.info;
  if (info.executor) throw new Error("custom executors are not supported; launch a command task");
  if (!info.command) throw new Error("the task has no CommandInfo");
  const { program, argv } = commandToExec(info.command);
  let user: LaunchUser | undefined;
  if (ctx.flags.switch_user) {
    const name = info.command.user || framework.user;
    if (name && name !== currentUserName()) {
      user = lookupUser(name);
      if (!user) throw new Error(`Failed to get user information for '${name}'`);
      if (process.getuid?.() !== 0) throw new Error(`cannot run as user '${name}': the agent is not running as root`);
    }
  }
  const env = commandEnvironment(info.command, {
    MESOS_SANDBOX: task.sandbox,
    MESOS_DIRECTORY: task.sandbox,
    MESOS_TASK_ID: info.taskId!.value,
    MESOS_FRAMEWORK_ID: task.frameworkId,
    MESOS_EXECUTOR_ID: info.taskId!.value,
    MESOS_AGENT_ID: ctx.info.id!.value,
    MESOS_CONTAINER_ID: task.containerId,
  });
  return {
    containerId: task.containerId,
    frameworkId: task.frameworkId,
    executorId: info.taskId!.value,
    sandbox: task.sandbox,
    runtimeDir: join(ctx.runtimeDir, "containers", task.containerId),
    launch: {
      program,
      argv,
      env,
      workingDirectory: task.sandbox,
      user,
      stdoutPath: join(task.sandbox, "stdout"),
      stderrPath: join(task.sandbox, "stderr"),
    },
  };
}

/** `runs/latest` points at the newest run, as in Mesos. */
function linkLatest(sandbox: string): void {
  const latest = join(dirname(sandbox), "latest");
  try {
    rmSync(latest, { force: true });
    symlinkSync(sandbox, latest);
  } catch {}
}

/** Turns the container's end into the task's terminal update. */
export function watchContainer(ctx: AgentContext, task: LiveTask): void {
  ctx.containerizer.wait(task.containerId).then(
    (t) => onTerminated(ctx, task, t),
    (e) => onTerminated(ctx, task, { waitStatus: 0, launchError: (e as Error).message }),
  );
}

function onTerminated(ctx: AgentContext, task: LiveTask, t: Termination): void {
  task.killTimer?.cancel();
  const message = describeTermination(t);
  if (t.launchError) {
    reportStatus(ctx, task, TaskState.TASK_FAILED, {
      message,
      reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
      source: TaskStatus_Source.AGENT,
    });
  } else if (task.killRequested) {
    reportStatus(ctx, task, TaskState.TASK_KILLED, { message, exitCode: t.exitCode, signal: t.signal });
  } else if (t.exitCode === 0) {
    reportStatus(ctx, task, TaskState.TASK_FINISHED, { message, exitCode: 0 });
  } else {
    reportStatus(ctx, task, TaskState.TASK_FAILED, { message, exitCode: t.exitCode, signal: t.signal });
  }
  ctx.containerizer.cleanup(task.containerId);
}

/**
 * KILL: SIGTERM to the task's process group, SIGKILL after the grace period (KillPolicy, or
 * --executor_shutdown_grace_period). Frameworks with TASK_KILLING_STATE hear TASK_KILLING first.
 */
export function killTask(ctx: AgentContext, frameworkId: string, taskId: string, killPolicy?: KillPolicy): void {
  const task = ctx.tasks.get(taskKey(frameworkId, taskId));
  if (!task) {
    ctx.log.warn(`Cannot kill unknown task ${taskId} of framework ${frameworkId}`);
    return;
  }
  if (task.killRequested) return;
  task.killRequested = true;
  ctx.store.updateTask(frameworkId, taskId, { killRequested: true });
  if (task.launching) return; // the launch sees killRequested and stops the task once it runs
  startKill(ctx, task, killPolicy ?? task.info.killPolicy);
}

function startKill(ctx: AgentContext, task: LiveTask, killPolicy?: KillPolicy): void {
  const framework = ctx.frameworks.get(task.frameworkId);
  if (framework?.capabilities.some((c) => c.type === FrameworkInfo_Capability_Type.TASK_KILLING_STATE)) {
    reportStatus(ctx, task, TaskState.TASK_KILLING);
  }
  const graceNs = killPolicy?.gracePeriod?.nanoseconds;
  const graceMs = graceNs === undefined ? ctx.flags.executor_shutdown_grace_period : Number(graceNs / 1_000_000n);
  ctx.containerizer.signal(task.containerId, "SIGTERM");
  task.killTimer = ctx.clock.setTimeout(() => ctx.containerizer.signal(task.containerId, "SIGKILL"), graceMs);
}
