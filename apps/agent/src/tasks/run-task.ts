/**
 * RUN_TASK with a command task: the task runs in a container of its own, as under Mesos's
 * command executor (whose id is the task's id). The rest is the task runner's (task-runner.ts).
 */
import { newUuid } from "@mesos/core";
import { type FrameworkInfo, type TaskInfo, TaskState } from "@mesos/proto";
import { type AgentContext, type LiveTask, taskKey } from "../context.ts";
import { keepFrameworkBytes } from "../projection/kept-encodings.ts";
import { sandboxPath } from "./sandbox.ts";
import { launchTask } from "./task-runner.ts";
import type { RunTaskBytes } from "../master-message-decoder.ts";

/** `encoded`: the FrameworkInfo's and TaskInfo's bytes as the master sent them, if known (their checkpoints and the attach report reuse them). */
export function runTask(ctx: AgentContext, framework: FrameworkInfo, info: TaskInfo, encoded: RunTaskBytes = {}): void {
  const frameworkId = framework.id!.value;
  const taskId = info.taskId!.value;
  const key = taskKey(frameworkId, taskId);
  if (ctx.tasks.has(key)) {
    ctx.log.warn(`Ignoring duplicate launch of task ${taskId} of framework ${frameworkId}`);
    return;
  }
  ctx.frameworks.set(frameworkId, framework);
  ctx.store.saveFramework(framework, encoded.frameworkInfo);
  if (encoded.frameworkInfo) keepFrameworkBytes(framework, encoded.frameworkInfo);
  const containerId = newUuid();
  const sandbox = sandboxPath(ctx.workDir, ctx.info.id!.value, frameworkId, taskId, containerId);
  const task: LiveTask = { frameworkId, info, state: TaskState.TASK_STAGING, containerId, sandbox, killRequested: false };
  ctx.tasks.set(key, task);
  ctx.store.saveTask({ frameworkId, info, state: task.state, containerId, killRequested: false }, encoded.task);
  task.launching = launchTask(ctx, framework, task).finally(() => (task.launching = undefined));
}
