/**
 * Re-registration reconciliation: the agent is the source of truth for what runs on it.
 * - Frameworks the master does not know (after a master restart) are added as "recovered".
 * - Tasks the agent reports are (re-)added; after an unreachable period, tasks of frameworks that
 *   are not partition-aware were already reported lost, so those frameworks are shut down there.
 * - Tasks the master believed were on the agent but the agent does not report stay, and are
 *   returned for the agent to reconcile (Mesos's reconcileKnownSlave): the launch may have been
 *   lost, or may have raced the re-registration (then the agent has it). The agent answers each it
 *   does not know with TASK_LOST / TASK_DROPPED through its reliable updates.
 * - The executors it reports run there, with or without tasks (with the ExecutorInfo it reports; for a
 *   reported task's executor it does not report, the one the master had, if any).
 */
import { create, isFieldSet } from "@bufbuild/protobuf";
import { isTerminalState } from "@mesos/core";
import { ExecutorInfo_Type, ExecutorInfoSchema, internal, OperationState, type Task, TaskSchema } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { ExecutorRecord } from "../executors/executor-book.ts";
import { Framework } from "../frameworks/framework.ts";
import { masterOperationStatus, operationStatusEvent } from "../operations/operation-feedback.ts";
import { masterStatus, TaskStatus_Reason } from "../tasks/task-status.ts";
import type { Agent } from "./agent.ts";

export function reconcileAgentReport(
  ctx: MasterContext,
  agent: Agent,
  req: internal.AttachRequest,
  believed: { tasks: Task[]; executors: ExecutorRecord[] },
  wasUnreachable: boolean,
): internal.ReconcileTasks[] {
  const believedTasks = believed.tasks;
  const now = ctx.clock.now();
  const shutDown = new Set<string>();
  for (const info of req.frameworks) {
    const id = info.id?.value;
    if (!id || ctx.frameworks.has(id)) continue;
    if (ctx.frameworks.isCompleted(id)) {
      shutDown.add(id);
      continue;
    }
    ctx.frameworks.recover(new Framework(id, info, now));
    ctx.log.info(`Recovered framework ${id} (${info.name}) from agent ${agent.id}`);
  }

  // Before the tasks: a reported ExecutorInfo is the agent's, and wins over what the master had.
  for (const info of req.executorInfos) {
    const framework = ctx.frameworks.get(info.frameworkId?.value ?? "");
    if (!framework || !info.executorId || shutDown.has(framework.id) || (wasUnreachable && !framework.partitionAware)) continue;
    if (!ctx.executors.get(agent.id, framework.id, info.executorId.value)) ctx.executors.add({ frameworkId: framework.id, agentId: agent.id, info });
  }

  // Task ids by framework (not "framework/task" strings: ten of them an agent, 100,000 after a failover).
  const reported = new Map<string, Set<string>>();
  const wasReported = (frameworkId: string, taskId: string) => reported.get(frameworkId)?.has(taskId) ?? false;
  for (const t of req.tasks) {
    const frameworkId = t.frameworkId!.value;
    const framework = ctx.frameworks.get(frameworkId);
    if (!framework || shutDown.has(frameworkId)) continue;
    if (wasUnreachable && !framework.partitionAware) {
      shutDown.add(frameworkId);
      continue;
    }
    let ids = reported.get(frameworkId);
    if (!ids) reported.set(frameworkId, (ids = new Set()));
    ids.add(t.taskId!.value);
    ctx.tasks.adopt(t);
    if (t.executorId && !isTerminalState(t.state)) adoptExecutor(ctx, agent.id, frameworkId, t.executorId.value, believed.executors);
  }
  ctx.tasks.forgetAcknowledgedOn(agent.id, wasReported);

  const reconciliations = new Map<string, internal.ReconcileTasks>();
  for (const task of believedTasks) {
    const frameworkId = task.frameworkId!.value;
    if (wasReported(frameworkId, task.taskId!.value)) continue;
    const framework = ctx.frameworks.get(frameworkId);
    if (!framework) {
      ctx.tasks.complete(task);
      continue;
    }
    ctx.log.warn(
      `Task ${task.taskId!.value} of framework ${frameworkId} unknown to the agent ${agent.id} during re-registration: reconciling with the agent`,
    );
    ctx.tasks.adopt(task);
    let reconcile = reconciliations.get(frameworkId);
    if (!reconcile) {
      reconcile = create(internal.ReconcileTasksSchema, { frameworkId: { value: frameworkId }, framework: framework.info });
      reconciliations.set(frameworkId, reconcile);
    }
    // The agent does not look at the state: the master's view, as Mesos sends it.
    const state = isFieldSet(task, TaskSchema.field.statusUpdateState!) ? task.statusUpdateState : task.state;
    reconcile.statuses.push(
      masterStatus(ctx, {
        taskId: task.taskId!.value,
        agentId: agent.id,
        state,
        reason: TaskStatus_Reason.RECONCILIATION,
        message: "Reconciliation request",
      }),
    );
  }

  reconcileOperations(ctx, agent, req);

  for (const frameworkId of shutDown) {
    ctx.log.info(`Shutting down framework ${frameworkId} on re-registered agent ${agent.id}`);
    agent.send(create(internal.MasterMessageSchema, { message: { case: "shutdownFramework", value: { frameworkId: { value: frameworkId } } } }));
  }
  return [...reconciliations.values()];
}

function adoptExecutor(ctx: MasterContext, agentId: string, frameworkId: string, executorId: string, believed: ExecutorRecord[]): void {
  if (ctx.executors.get(agentId, frameworkId, executorId)) return;
  const known = believed.find((e) => e.frameworkId === frameworkId && e.info.executorId!.value === executorId);
  const info =
    known?.info ??
    create(ExecutorInfoSchema, { type: ExecutorInfo_Type.DEFAULT, executorId: { value: executorId }, frameworkId: { value: frameworkId } });
  ctx.executors.add({ frameworkId, agentId, info });
}

/**
 * The agent's operations replace the master's: ones it reports are (re-)indexed for their
 * frameworks; ones the master believed pending but the agent does not know were dropped.
 */
function reconcileOperations(ctx: MasterContext, agent: Agent, req: internal.AttachRequest): void {
  for (const op of ctx.operations.replaceOnAgent(agent.id, req.operations)) {
    const framework = op.frameworkId ? ctx.frameworks.get(op.frameworkId.value) : undefined;
    const id = op.info?.id?.value;
    if (!framework || !id) continue;
    framework.send(
      operationStatusEvent(
        masterOperationStatus(id, OperationState.OPERATION_DROPPED, agent.id, "The agent does not know the operation after it re-registered"),
      ),
    );
  }
}
