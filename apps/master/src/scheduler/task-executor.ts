/**
 * A LAUNCH task's own (custom) executor, by Mesos 1.8's rules (validation::executor and
 * validation::task::internal::validateExecutor): CUSTOM (or no type) with a command, no shared
 * resources, and the task's and the executor's resources together within what is left of the
 * offers — the executor's counted only while it does not run on the agent yet. A new executor is
 * recorded in the ExecutorBook (its resources are the framework's while it runs) and the agent
 * starts it with the task.
 */
import { create } from "@bufbuild/protobuf";
import { Resources } from "@mesos/core";
import { ContainerInfo_Type, type ExecutorInfo, ExecutorInfo_Type, ExecutorInfoSchema, FrameworkIDSchema, type TaskInfo } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { consumedBy, fitsIn } from "./validate-task.ts";

/** validation::executor::internal::validateType: what each executor type needs. */
export function executorTypeError(executor: ExecutorInfo): string | undefined {
  if (executor.type === ExecutorInfo_Type.DEFAULT) {
    if (executor.command) return "'ExecutorInfo.command' must not be set for 'DEFAULT' executor";
    if (executor.container && executor.container.type !== ContainerInfo_Type.MESOS) {
      return "'ExecutorInfo.container.type' must be 'MESOS' for 'DEFAULT' executor";
    }
    if (executor.container?.mesos?.image) return "'ExecutorInfo.container.mesos.image' must not be set for 'DEFAULT' executor";
  }
  if (executor.type === ExecutorInfo_Type.CUSTOM && !executor.command) return "'ExecutorInfo.command' must be set for 'CUSTOM' executor";
  return undefined;
}

export interface TaskExecutor {
  /** The executor as the agent gets it (framework id set). */
  info: ExecutorInfo;
  /** What it still takes from the offers (nothing if it already runs there). */
  resources: Resources;
  known: boolean;
}

/** The task's executor, or why it is invalid. `available` is what is left of the offers. */
export function taskExecutor(
  ctx: MasterContext,
  framework: Framework,
  task: TaskInfo,
  taskResources: Resources,
  agentId: string,
  available: Resources,
): TaskExecutor | string {
  const executor = task.executor!;
  const typeError = executorTypeError(executor);
  if (typeError) return typeError;
  if (executor.frameworkId && executor.frameworkId.value !== framework.id) {
    return `ExecutorInfo has an invalid FrameworkID (Actual: ${executor.frameworkId.value} vs Expected: ${framework.id})`;
  }
  if (executor.type !== ExecutorInfo_Type.UNKNOWN && executor.type !== ExecutorInfo_Type.CUSTOM) return "'ExecutorInfo.type' must be 'CUSTOM'";
  if (!executor.command) return "'ExecutorInfo.command' must be set";
  const executorResources = Resources.of(executor.resources);
  if (!executorResources.shared().isEmpty()) return `Executor resources ${executorResources} should not contain any shared resources`;
  const known = ctx.executors.get(agentId, framework.id, executor.executorId!.value) !== undefined;
  const total = known ? taskResources : taskResources.plus(executorResources);
  if (!fitsIn(available, total)) return `Total resources ${total} required by task and its executor is more than available ${available}`;
  const info = create(ExecutorInfoSchema, { ...executor, frameworkId: create(FrameworkIDSchema, { value: framework.id }) });
  return { info, resources: known ? Resources.EMPTY : consumedBy(executorResources), known };
}
