/**
 * Re-registration reconciliation: the agent is the source of truth for what runs on it.
 * - Frameworks the master does not know (after a master restart) are added as "recovered".
 * - Tasks the agent reports are (re-)added; after an unreachable period, tasks of frameworks that
 *   are not partition-aware were already reported lost, so those frameworks are shut down there.
 * - Tasks the master believed were on the agent but the agent does not report are lost.
 */
import { clone, create } from "@bufbuild/protobuf";
import { isTerminalState, uuidFromBytes } from "@mesos/core";
import { internal, OperationState, type Task, TaskSchema, TaskState } from "@mesos/proto";
import { masterOperationStatus, operationStatusEvent } from "../operations/operation-feedback.ts";
import type { MasterContext } from "../context.ts";
import { allocatorFramework } from "../frameworks/allocator-view.ts";
import { Framework } from "../frameworks/framework.ts";
import { emitFrameworkAdded } from "../operator/operator-events.ts";
import { applyTaskStatus, completeTask, masterStatus, TaskStatus_Reason, updateEvent } from "../tasks/task-status.ts";
import type { Agent } from "./agent.ts";

export function reconcileAgentReport(
  ctx: MasterContext,
  agent: Agent,
  req: internal.AttachRequest,
  believedTasks: Task[],
  wasUnreachable: boolean,
): void {
  const now = ctx.clock.now();
  const shutDown = new Set<string>();
  for (const info of req.frameworks) {
    const id = info.id?.value;
    if (!id || ctx.frameworks.has(id)) continue;
    if (ctx.completedFrameworks.some((f) => f.id === id)) {
      shutDown.add(id);
      continue;
    }
    const framework = new Framework(id, info, now);
    framework.recovered = true;
    ctx.frameworks.set(id, framework);
    ctx.allocator.addFramework(allocatorFramework(framework), new Map(), false);
    emitFrameworkAdded(ctx, framework);
    ctx.log.info(`Recovered framework ${id} (${info.name}) from agent ${agent.id}`);
  }

  agent.tasks.clear();
  const reported = new Set<string>();
  for (const t of req.tasks) {
    const frameworkId = t.frameworkId!.value;
    const framework = ctx.frameworks.get(frameworkId);
    if (!framework || shutDown.has(frameworkId)) continue;
    if (wasUnreachable && !framework.partitionAware) {
      shutDown.add(frameworkId);
      continue;
    }
    const taskId = t.taskId!.value;
    reported.add(`${frameworkId}/${taskId}`);
    const task = framework.tasks.get(taskId) ?? framework.unreachableTasks.get(taskId) ?? clone(TaskSchema, t);
    task.state = t.state;
    task.agentId = t.agentId;
    framework.unreachableTasks.delete(taskId);
    framework.tasks.set(taskId, task);
    agent.addTask(task);
  }

  for (const task of believedTasks) {
    const frameworkId = task.frameworkId!.value;
    if (reported.has(`${frameworkId}/${task.taskId!.value}`)) continue;
    const framework = ctx.frameworks.get(frameworkId);
    if (!isTerminalState(task.state)) {
      const status = masterStatus(ctx, {
        taskId: task.taskId!.value,
        agentId: agent.id,
        state: framework?.partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
        reason: TaskStatus_Reason.RECONCILIATION,
        message: "Task is unknown to the agent after it re-registered",
      });
      applyTaskStatus(ctx, task, status);
      framework?.send(updateEvent(status));
    }
    completeTask(ctx, framework, task);
  }

  reconcileOperations(ctx, agent, req);

  for (const frameworkId of shutDown) {
    ctx.log.info(`Shutting down framework ${frameworkId} on re-registered agent ${agent.id}`);
    agent.send(create(internal.MasterMessageSchema, { message: { case: "shutdownFramework", value: { frameworkId: { value: frameworkId } } } }));
  }
}

/**
 * The agent's operations replace the master's: ones it reports are (re-)indexed for their
 * frameworks; ones the master believed pending but the agent does not know were dropped.
 */
function reconcileOperations(ctx: MasterContext, agent: Agent, req: internal.AttachRequest): void {
  const believed = [...agent.operations.values()];
  agent.operations.clear();
  for (const op of req.operations) {
    const uuid = uuidFromBytes(op.uuid!.value);
    agent.operations.set(uuid, op);
    const framework = op.frameworkId ? ctx.frameworks.get(op.frameworkId.value) : undefined;
    if (framework && op.info?.id) framework.operations.set(op.info.id.value, { agentId: agent.id, uuid });
  }
  for (const op of believed) {
    const uuid = uuidFromBytes(op.uuid!.value);
    if (agent.operations.has(uuid)) continue;
    const framework = op.frameworkId ? ctx.frameworks.get(op.frameworkId.value) : undefined;
    const id = op.info?.id?.value;
    if (framework && id) {
      framework.operations.delete(id);
      framework.send(
        operationStatusEvent(
          masterOperationStatus(id, OperationState.OPERATION_DROPPED, agent.id, "The agent does not know the operation after it re-registered"),
        ),
      );
    }
  }
}
