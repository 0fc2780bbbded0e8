/** Task state facts the agent, the master and frameworks share. */
import { TaskState } from "@mesos/proto";

const TERMINAL = new Set<TaskState>([
  TaskState.TASK_FINISHED,
  TaskState.TASK_FAILED,
  TaskState.TASK_KILLED,
  TaskState.TASK_ERROR,
  TaskState.TASK_LOST,
  TaskState.TASK_DROPPED,
  TaskState.TASK_GONE,
  TaskState.TASK_GONE_BY_OPERATOR,
]);

export function isTerminalState(state: TaskState): boolean {
  return TERMINAL.has(state);
}
