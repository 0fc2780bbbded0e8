/**
 * Task reconciliation (RECONCILE, and KILL of an unknown task). Implicit (no tasks named): the
 * latest state of every task the master knows for the framework. Explicit: per task, by Mesos
 * 1.8's rules for tasks the master does not know, depending on what is known of the agent.
 * Answers carry no uuid, so the framework does not acknowledge them.
 */
import { TaskState } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { masterUpdateEvent } from "./master-status-bytes.ts";
import { TaskStatus_Reason } from "./task-status.ts";

export interface TaskToReconcile {
  taskId: string;
  agentId?: string;
}

export function reconcileTasks(ctx: MasterContext, framework: Framework, tasks: readonly TaskToReconcile[]): void {
  const send = (taskId: string, agentId: string | undefined, state: TaskState, message: string) =>
    framework.send(masterUpdateEvent(ctx, { taskId, agentId, state, reason: TaskStatus_Reason.RECONCILIATION, message }));

  if (tasks.length === 0) {
    for (const task of [...ctx.tasks.active(framework.id).values(), ...ctx.tasks.unreachable(framework.id).values()]) {
      send(task.taskId!.value, task.agentId?.value, task.state, "Reconciliation: Latest task state");
    }
    return;
  }

  const pa = framework.partitionAware;
  // Counted once per call, not per task: it walks every agent in the registry.
  let recovering: number | undefined;
  const knownTask = ctx.tasks.knownOf(framework.id);
  for (const { taskId, agentId } of tasks) {
    const known = knownTask(taskId);
    if (known) {
      send(taskId, known.agentId?.value, known.state, "Reconciliation: Latest task state");
      continue;
    }
    if (agentId === undefined) {
      recovering ??= ctx.agents.recovered().length;
      if (recovering > 0) continue; // an agent may still bring the task back; the framework retries
      send(taskId, undefined, pa ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST, "Reconciliation: Task is unknown");
      continue;
    }
    const registered = ctx.agents.entry(agentId);
    if (ctx.agents.has(agentId)) {
      send(taskId, agentId, pa ? TaskState.TASK_GONE : TaskState.TASK_LOST, "Reconciliation: Task is unknown to the agent");
    } else if (registered?.state === "admitted") {
    } else if (registered?.state === "unreachable") {
      send(taskId, agentId, pa ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST, "Reconciliation: Task is unreachable");
    } else if (registered?.state === "gone") {
      send(taskId, agentId, pa ? TaskState.TASK_GONE_BY_OPERATOR : TaskState.TASK_LOST, "Reconciliation: Task is gone");
    } else {
      send(taskId, agentId, pa ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST, "Reconciliation: Task is unknown");
    }
  }
}
