/**
 * LAUNCH_GROUP: a task group for its executor (the default executor, or a custom one with a
 * command). Mesos's rules (validation::task::group): the executor's type is set (DEFAULT without a
 * command, CUSTOM with one), it has an id and at least 0.01 cpus, 32 MB of memory and some disk, the group has tasks and none has an executor of its own, and the executor's and the tasks'
 * resources fit in what is left of the offers. If anything is invalid, every task of the group
 * gets TASK_ERROR with REASON_TASK_GROUP_INVALID from the master (the group is launched whole or
 * not at all). The agent gets one RunTask with the group and its executor.
 */
import { create, isFieldSet } from "@bufbuild/protobuf";
import { ContainerInfo_Type, ExecutorInfo_Type, ExecutorInfoSchema, FrameworkIDSchema, internal, type Offer_Operation } from "@mesos/proto";
import { formatBytes, Resources } from "@mesos/core";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { TaskStatus_Reason } from "../tasks/task-status.ts";
import { addLaunchedTask, dropTask, taskError } from "./launched-task.ts";
import { executorTypeError } from "./task-executor.ts";
import { consumedBy, fitsIn, validateId, validateTask } from "./validate-task.ts";

export function launchGroup(ctx: MasterContext, framework: Framework, op: Offer_Operation, agentId: string, available: Resources): Resources {
  const executor = op.launchGroup?.executor;
  const tasks = op.launchGroup?.taskGroup?.tasks ?? [];
  const executorResources = Resources.of(executor?.resources ?? []);
  const taskResources = tasks.map((t) => Resources.of(t.resources));
  const error = groupError();
  if (error) {
    for (const t of tasks) taskError(ctx, framework, t, error, agentId, TaskStatus_Reason.TASK_GROUP_INVALID);
    return available;
  }
  if (!ctx.agents.get(agentId)?.connected) {
    for (const t of tasks) dropTask(ctx, framework, t, TaskStatus_Reason.AGENT_DISCONNECTED, `Agent ${agentId} is disconnected`);
    return available;
  }
  const executorId = executor!.executorId!;
  const executorInfo = create(ExecutorInfoSchema, {
    ...executor!,
    frameworkId: create(FrameworkIDSchema, { value: framework.id }),
    resources: executorResources.toArray(),
  });
  // A group for an executor already running joins it; its resources are counted once.
  const known = ctx.executors.get(agentId, framework.id, executorId.value);
  if (!known) ctx.executors.add({ frameworkId: framework.id, agentId, info: executorInfo });
  const sent = tasks.map((t, i) => addLaunchedTask(ctx, framework, t, taskResources[i]!, agentId, executorId));
  ctx.agents.get(agentId)!.send(
    create(internal.MasterMessageSchema, {
      message: {
        case: "runTask",
        value: {
          frameworkInfo: framework.info,
          taskGroup: { tasks: sent },
          executor: executorInfo,
        },
      },
    }),
  );
  const executorUse = known ? Resources.EMPTY : consumedBy(executorResources);
  return taskResources.reduce((left, r) => left.minus(consumedBy(r)), available.minus(executorUse));

  function groupError(): string | undefined {
    if (op.id) return "An operation ID is not allowed on LAUNCH_GROUP operations";
    if (!executor) return "Task group is missing its 'executor'";
    const typeError = executorTypeError(executor);
    if (typeError) return typeError;
    if (!isFieldSet(executor, ExecutorInfoSchema.field.type)) return "'ExecutorInfo.type' must be set";
    if (executor.type === ExecutorInfo_Type.UNKNOWN) return "Unknown executor type";
    if (executor.container?.type === ContainerInfo_Type.DOCKER) return "Docker ContainerInfo is not supported on the executor";
    const idError = validateId("Executor", executor.executorId?.value ?? "");
    if (idError) return idError;
    const resourceError = executorMinimums(executor.executorId!.value, executorResources);
    if (resourceError) return resourceError;
    if (tasks.length === 0) return "Task group is empty";
    const ids = new Set<string>();
    let left = available;
    if (!ctx.executors.get(agentId, framework.id, executor.executorId!.value)) {
      if (!fitsIn(left, executorResources)) return `Executor uses more resources ${executorResources} than available ${left}`;
      left = left.minus(consumedBy(executorResources));
    }
    for (const [i, t] of tasks.entries()) {
      if (t.executor) return `Task '${t.taskId?.value}' of a task group must not have an executor`;
      if (ids.has(t.taskId?.value ?? "")) return `Task group has duplicate task ID: ${t.taskId?.value}`;
      ids.add(t.taskId?.value ?? "");
      const taskError = validateTask(t, taskResources[i]!, agentId, left, (id) => ctx.tasks.known(framework.id, id) !== undefined);
      if (taskError) return `Task '${t.taskId?.value}' of the group is invalid: ${taskError}`;
      left = left.minus(consumedBy(taskResources[i]!));
    }
    return undefined;
  }
}

const MIN_CPUS = 0.01;
const MIN_MEM_MB = 32;

/** Mesos's minimum executor resources for a task group, in its words. */
function executorMinimums(executorId: string, resources: Resources): string | undefined {
  const has = (name: string) => resources.names().includes(name);
  const cpus = resources.scalar("cpus");
  if (!has("cpus") || cpus < MIN_CPUS) {
    return `Executor '${executorId}' uses less CPUs (${has("cpus") ? cpus : "None"}) than the minimum required (${MIN_CPUS})`;
  }
  const mem = resources.scalar("mem");
  if (!has("mem") || mem < MIN_MEM_MB) {
    const shown = has("mem") ? formatBytes(Math.round(mem * 1024 * 1024)) : "None";
    return `Executor '${executorId}' uses less memory (${shown}) than the minimum required (${MIN_MEM_MB}MB)`;
  }
  if (!has("disk")) return `Executor '${executorId}' uses no disk`;
  return undefined;
}
