/**
 * Agent recovery after a restart: the checkpointed agent id, frameworks, tasks, containers and
 * unacknowledged status updates come back; running containers are reattached. After a reboot
 * (boot id changed) no container survived; with --recover=cleanup they are killed. Tasks of
 * frameworks without checkpointing are not recovered (their containers are destroyed), as in Mesos.
 */
import { readFileSync } from "node:fs";
import { isTerminalState, Resources, uuidFromBytes } from "@mesos/core";
import { ensureVolumeDirs } from "./operations/volumes.ts";
import { create } from "@bufbuild/protobuf";
import { AgentIDSchema, TaskState } from "@mesos/proto";
import { type AgentContext, type LiveTask, taskKey } from "./context.ts";
import { watchContainer } from "./tasks/run-task.ts";
import { forgetTask } from "./tasks/shutdown-framework.ts";
import { reportStatus, TaskStatus_Reason, TaskStatus_Source } from "./tasks/task-status.ts";

export function currentBootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "unknown";
  }
}

export function recoverAgent(ctx: AgentContext): void {
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

  const containers = ctx.store.containers();
  const reconnect = !rebooted && ctx.flags.recover === "reconnect";
  ctx.containerizer.recover(reconnect ? containers : []);
  const recovered = new Set(reconnect ? containers.map((c) => c.id) : []);
  if (!reconnect) for (const c of containers) ctx.containerizer.destroyOrphan(c);

  for (const t of ctx.store.tasks()) {
    const taskId = t.info.taskId!.value;
    const task: LiveTask = {
      frameworkId: t.frameworkId,
      info: t.info,
      state: t.state,
      containerId: t.containerId,
      sandbox: containers.find((c) => c.id === t.containerId)?.sandbox ?? "",
      killRequested: t.killRequested,
    };
    ctx.tasks.set(taskKey(t.frameworkId, taskId), task);
    if (isTerminalState(task.state)) continue; // its terminal update is still waiting for an acknowledgement

    if (!ctx.frameworks.get(t.frameworkId)?.checkpoint) {
      ctx.log.info(`Not recovering task ${taskId}: framework ${t.frameworkId} does not checkpoint`);
      if (recovered.has(t.containerId)) ctx.containerizer.signal(t.containerId, "SIGKILL");
      forgetTask(ctx, t.frameworkId, taskId);
      continue;
    }
    if (recovered.has(t.containerId)) {
      watchContainer(ctx, task);
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
  ctx.log.info(`Recovered ${ctx.tasks.size} tasks and ${recovered.size} containers${rebooted ? " after a reboot" : ""}`);
}
