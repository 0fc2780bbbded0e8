/**
 * Validation of a task in a LAUNCH operation (Mesos's validation::task): an error message for
 * TASK_ERROR, or undefined. `available` is what is left of the offers after earlier operations.
 */
import { type Resources, validateResources } from "@mesos/core";
import type { TaskInfo } from "@mesos/proto";

/** Mesos's rules for ids (task, executor, framework-chosen ids in general). */
export function validateId(kind: string, id: string): string | undefined {
  if (id === "") return `${kind} ID must not be empty`;
  if (id === "." || id === "..") return `${kind} ID '${id}' must not be '.' or '..'`;
  if (id.includes("/")) return `${kind} ID '${id}' must not contain '/'`;
  if (/[\x00-\x1f\x7f]/.test(id)) return `${kind} ID '${id}' must not contain control characters`;
  if (id.length > 255) return `${kind} ID must be at most 255 characters`;
  return undefined;
}

export function validateTask(
  task: TaskInfo,
  resources: Resources,
  agentId: string,
  available: Resources,
  /** Whether the framework already has an active or unreachable task with this id. */
  known: (taskId: string) => boolean,
): string | undefined {
  const taskId = task.taskId?.value;
  if (taskId === undefined) return "Task is missing 'task_id'";
  const idError = validateId("Task", taskId);
  if (idError) return idError;
  if (known(taskId)) return `Task has duplicate ID: ${taskId}`;
  if (task.agentId?.value !== agentId) {
    return `Task uses agent ID '${task.agentId?.value ?? ""}' which does not match the offers' agent '${agentId}'`;
  }
  if ((task.command === undefined) === (task.executor === undefined)) {
    return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
  }
  if (task.executor) {
    const executorError = validateId("Executor", task.executor.executorId?.value ?? "");
    if (executorError) return executorError;
  }
  const resourceError = validateResources(resources);
  if (resourceError) return `Task uses invalid resources: ${resourceError}`;
  if (resources.isEmpty()) return "Task uses no resources";
  if (!fitsIn(available, resources)) return `Task uses more resources ${resources} than available ${available}`;
  const grace = task.killPolicy?.gracePeriod?.nanoseconds;
  if (grace !== undefined && grace < 0n) return "Task's kill policy has a negative grace period";
  const maxCompletion = task.maxCompletionTime?.nanoseconds;
  if (maxCompletion !== undefined && maxCompletion < 0n) return "Task's 'max_completion_time' must be non-negative";
  return undefined;
}

/**
 * Whether a task's resources fit in what is left of the offers. A shared resource (a shared
 * persistent volume) is not used up by a task: any number of tasks may use the one offered.
 */
export function fitsIn(available: Resources, resources: Resources): boolean {
  if (!available.contains(resources.nonShared())) return false;
  const shared = available.shared();
  return [...resources.shared()].every((r) => shared.contains([r]));
}

/** What launching a task takes from the offers: everything but shared resources. */
export function consumedBy(resources: Resources): Resources {
  return resources.nonShared();
}
