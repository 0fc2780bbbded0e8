/**
 * Agent recovery after a restart: the checkpointed agent id, frameworks, tasks, containers and
 * unacknowledged status updates come back; running containers are reattached (their isolators
 * recover with the config they were prepared with) and orphans are destroyed. After a reboot
 * (boot id changed) no container survived; with --recover=cleanup they are killed. Tasks of
 * frameworks without checkpointing are not recovered (their containers are destroyed), as in Mesos.
 */
import { readFileSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import { isTerminalState, Resources, uuidFromBytes } from "@mesos/core";
import { ensureVolumeDirs } from "./operations/volumes.ts";
import { create } from "@bufbuild/protobuf";
import { AgentIDSchema, TaskState, isolator as api } from "@mesos/proto";
import { type AgentContext, type LiveTask, taskKey } from "./context.ts";
import type { CheckpointedContainer, CheckpointedTask } from "./state/agent-store.ts";
import { watchContainer } from "./tasks/run-task.ts";
import { forgetTask } from "./tasks/shutdown-framework.ts";
import { watchGroupTask } from "./tasks/task-group.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "./tasks/task-status.ts";

export function currentBootId(): string {
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

  for (const info of ctx.store.frameworks()) ctx.frameworks.set(info.id!.value, info);
  ctx.statusUpdates.recover();
  const checkpointed = ctx.store.checkpointedResources();
  if (checkpointed) ctx.total = Resources.of(checkpointed);
  ensureVolumeDirs(ctx.workDir, ctx.total);
  for (const op of ctx.store.operations()) ctx.operations.set(uuidFromBytes(op.uuid!.value), op);
  ctx.operationUpdates.recover();

  const records = ctx.store.containers();
  const tasks = ctx.store.tasks();
  const reconnect = !rebooted && ctx.flags.recover === "reconnect";
  const wanted = reconnect ? wantedContainers(ctx, records, tasks) : new Set<string>();
  const keep = records.filter((r) => wanted.has(r.id));
  await ctx.containerizer.recover(
    keep,
    records.filter((r) => !wanted.has(r.id)),
  );

  for (const t of tasks) {
    const taskId = t.info.taskId!.value;
    const root = t.containerId.split(".")[0]!;
    const task: LiveTask = {
      frameworkId: t.frameworkId,
      info: t.info,
      state: t.state,
      containerId: t.containerId,
      executorId: t.containerId.includes(".") ? records.find((r) => r.id === root)?.executorId : undefined,
      sandbox: records.find((c) => c.id === t.containerId)?.sandbox ?? "",
      killRequested: t.killRequested,
    };
    ctx.tasks.set(taskKey(t.frameworkId, taskId), task);
    if (isTerminalState(task.state)) continue; // its terminal update is still waiting for an acknowledgement

    if (!ctx.frameworks.get(t.frameworkId)?.checkpoint) {
      ctx.log.info(`Not recovering task ${taskId}: framework ${t.frameworkId} does not checkpoint`);
      forgetTask(ctx, t.frameworkId, taskId);
      continue;
    }
    if (ctx.containerizer.has(t.containerId)) {
      if (task.executorId) watchGroupTask(ctx, task);
      else watchContainer(ctx, task);
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
  ctx.log.info(`Recovered ${ctx.tasks.size} tasks and ${keep.length} containers${rebooted ? " after a reboot" : ""}`);
}

/**
 * The containers worth reattaching: those of live tasks of checkpointing frameworks (with their
 * executor's container for task groups), standalone containers, and nested containers under a kept
 * parent unless they were DEBUG sessions (whose client is gone with the old agent).
 */
function wantedContainers(ctx: AgentContext, records: CheckpointedContainer[], tasks: CheckpointedTask[]): Set<string> {
  const wanted = new Set<string>();
  for (const t of tasks) {
    if (isTerminalState(t.state) || !ctx.frameworks.get(t.frameworkId)?.checkpoint) continue;
    wanted.add(t.containerId);
    wanted.add(t.containerId.split(".")[0]!);
  }
  for (const r of records) if (r.frameworkId === "" && !r.id.includes(".")) wanted.add(r.id);
  for (const r of records) {
    if (wanted.has(r.id) || !r.id.includes(".")) continue;
    const parent = r.id.slice(0, r.id.lastIndexOf("."));
    const debug = r.config ? fromBinary(api.ContainerConfigSchema, r.config).containerClass === api.ContainerClass.DEBUG : false;
    if (wanted.has(parent) && !debug && !tasks.some((t) => t.containerId === r.id)) wanted.add(r.id);
  }
  return wanted;
}
