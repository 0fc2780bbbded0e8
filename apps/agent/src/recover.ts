/**
 * Agent recovery after a restart: the checkpointed agent id, frameworks, tasks, containers and
 * unacknowledged status updates come back; running containers are reattached (their isolators
 * recover with the config they were prepared with) and orphans are destroyed. After a reboot
 * (boot id changed) no container survived; with --recover=cleanup they are killed. Tasks of
 * frameworks without checkpointing are not recovered (their containers are destroyed), as in Mesos.
 * A custom executor whose container is still there gets its tasks back and a while to re-subscribe
 * (executors/executor-recovery.ts); the agent does not follow those tasks' containers itself.
 */
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { isTerminalState, Resources, uuidFromBytes } from "@mesos/core";
import { isNestedKey, parentKey, rootKey } from "@mesos/plugin-api";
import { AgentIDSchema, isolator as api, TaskState } from "@mesos/proto";
import type { CheckpointedContainerInfo } from "./containerizer/containerizer.ts";
import { type AgentContext, type LiveTask, taskKey } from "./context.ts";
import { ensureVolumeDirs } from "./operations/volumes.ts";
import type { CheckpointedExecutor, CheckpointedTask } from "./state/agent-store.ts";
import { sandboxPath } from "./tasks/sandbox.ts";
import { forgetTask } from "./tasks/shutdown-framework.ts";
import { followTask } from "./tasks/task-runner.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "./tasks/task-status.ts";

function currentBootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "unknown";
  }
}

export async function recoverAgent(ctx: AgentContext): Promise<void> {
  const agentId = ctx.store.getMeta("agent_id");
  if (agentId) ctx.info.id = create(AgentIDSchema, { value: agentId });
  const bootId = currentBootId();
  const rebooted = ctx.store.getMeta("boot_id") !== undefined && ctx.store.getMeta("boot_id") !== bootId;
  ctx.store.setMeta("boot_id", bootId);

  const tasks = ctx.store.tasks();
  const executors = ctx.store.executors();
  // A framework with neither a task nor an executor left is not recovered (Mesos's recoverFramework
  // garbage-collects it): its row was kept when it went idle (store.frameworkIdle).
  const active = new Set([...tasks, ...executors].map((t) => t.frameworkId));
  for (const info of ctx.store.frameworks()) {
    if (active.has(info.id!.value)) ctx.frameworks.set(info.id!.value, info);
    else ctx.store.removeFrameworkRow(info.id!.value);
  }
  ctx.statusUpdates.recover();
  const checkpointed = ctx.store.checkpointedResources();
  if (checkpointed) ctx.total = Resources.of(checkpointed);
  ensureVolumeDirs(ctx.workDir, ctx.total);
  for (const op of ctx.store.operations()) ctx.operations.set(uuidFromBytes(op.uuid!.value), op);
  ctx.operationUpdates.recover();

  const reconnect = !rebooted && ctx.flags.recover === "reconnect";
  // Only checkpointing frameworks' executors have rows; one whose framework is gone has nothing to come back to.
  const customExecutors = new Map<string, CheckpointedExecutor>();
  for (const e of executors) {
    if (ctx.frameworks.get(e.frameworkId)?.checkpoint) customExecutors.set(e.containerId, e);
    else ctx.store.removeExecutor(e.frameworkId, e.executorId);
  }
  let found: readonly CheckpointedContainerInfo[] = [];
  let kept = 0;
  await ctx.containerizer.recover((checkpointed) => {
    found = checkpointed;
    const wanted = reconnect ? wantedContainers(ctx, checkpointed, tasks, customExecutors.keys()) : new Set<string>();
    kept = checkpointed.filter((c) => wanted.has(c.key)).length;
    return wanted;
  });
  const configOf = (key: string) => found.find((c) => c.key === key)?.config;

  for (const t of tasks) {
    const taskId = t.info.taskId!.value;
    const task: LiveTask = {
      frameworkId: t.frameworkId,
      info: t.info,
      state: t.state,
      containerId: t.containerId,
      executorId: isNestedKey(t.containerId) ? configOf(rootKey(t.containerId))?.executorId?.value : undefined,
      sandbox: configOf(t.containerId)?.directory ?? "",
      killRequested: t.killRequested,
    };
    const custom = customExecutors.get(t.containerId);
    if (custom) {
      task.customExecutor = true;
      task.executorId = custom.executorId;
      task.sandbox = sandboxPath(ctx.workDir, ctx.info.id!.value, t.frameworkId, custom.executorId, custom.containerId);
    }
    ctx.tasks.set(taskKey(t.frameworkId, taskId), task);
    if (isTerminalState(task.state)) continue; // its terminal update is still waiting for an acknowledgement

    if (!ctx.frameworks.get(t.frameworkId)?.checkpoint) {
      ctx.log.info(`Not recovering task ${taskId}: framework ${t.frameworkId} does not checkpoint`);
      forgetTask(ctx, t.frameworkId, taskId);
      continue;
    }
    if (ctx.containerizer.state(t.containerId) !== undefined) {
      if (!custom) followTask(ctx, task); // else its executor reports it
      continue;
    }
    const why = rebooted
      ? "the agent's host rebooted"
      : ctx.flags.recover === "cleanup"
        ? "the agent restarted with --recover=cleanup"
        : "the agent restarted before the container was launched";
    reportStatus(ctx, task, rebooted ? TaskState.TASK_LOST : TaskState.TASK_FAILED, {
      message: `Container lost: ${why}`,
      reason: rebooted ? TaskStatus_Reason.AGENT_RESTARTED : TaskStatus_Reason.CONTAINER_LAUNCH_FAILED,
      source: TaskStatus_Source.AGENT,
    });
  }
  for (const e of customExecutors.values()) {
    if (ctx.containerizer.state(e.containerId) !== undefined) ctx.customExecutors.recover(e);
    else ctx.store.removeExecutor(e.frameworkId, e.executorId);
  }
  ctx.log.info(`Recovered ${ctx.tasks.size} tasks and ${kept} containers${rebooted ? " after a reboot" : ""}`);
}

/**
 * The containers worth reattaching: those of live tasks of checkpointing frameworks (with their
 * executor's container for task groups), checkpointed custom executors' (even with no task left),
 * standalone containers, and nested containers under a kept parent unless they were DEBUG sessions
 * (whose client is gone with the old agent).
 */
function wantedContainers(
  ctx: AgentContext,
  found: readonly CheckpointedContainerInfo[],
  tasks: CheckpointedTask[],
  customExecutors: Iterable<string>,
): Set<string> {
  const wanted = new Set<string>(customExecutors);
  for (const t of tasks) {
    if (isTerminalState(t.state) || !ctx.frameworks.get(t.frameworkId)?.checkpoint) continue;
    wanted.add(t.containerId);
    wanted.add(rootKey(t.containerId));
  }
  for (const c of found) if (!c.config.frameworkId?.value && !isNestedKey(c.key)) wanted.add(c.key);
  for (const c of found) {
    const parent = parentKey(c.key);
    if (wanted.has(c.key) || parent === undefined) continue;
    const debug = c.config.containerClass === api.ContainerClass.DEBUG;
    if (wanted.has(parent) && !debug && !tasks.some((t) => t.containerId === c.key)) wanted.add(c.key);
  }
  return wanted;
}
