/**
 * Finding the task a command names: by its id, or by a prefix that only one task's id starts with
 * (an ambiguous prefix lists the candidates), and then where it runs: its agent's address and its
 * container id, as Mesos's CLI finds them (the agent's `pid`, the container id in the task's
 * statuses).
 */
import { invalid, isTerminalState, notFound, unavailable } from "@mesos/core";
import type { OperatorClient } from "@mesos/client";
import { type ContainerID, type Task, TaskState } from "@mesos/proto";

export interface TaskLocation {
  task: Task;
  agentAddress: string;
  containerId: ContainerID;
}

/** The one task `ref` names among the master's tasks; `running` keeps only TASK_RUNNING ones. */
export async function findTask(operator: OperatorClient, ref: string, options: { running: boolean }): Promise<Task> {
  const tasks = await operator.getTasks();
  const pool = options.running
    ? tasks.tasks.filter((t) => t.state === TaskState.TASK_RUNNING)
    : [...tasks.tasks, ...tasks.unreachableTasks, ...tasks.completedTasks];
  const what = options.running ? "running task" : "task";
  const exact = pool.filter((t) => t.taskId?.value === ref);
  const matches = exact.length > 0 ? exact : pool.filter((t) => t.taskId?.value.startsWith(ref));
  if (matches.length === 0) throw notFound(`Unable to find ${what} '${ref}' from leading master '${hostOf(operator.baseUrl())}'`);
  // The same id may be used again after a task ended, or by another framework: prefer the live one.
  const live = matches.filter((t) => !isTerminalState(t.state));
  const candidates = matches.length > 1 && live.length === 1 ? live : matches;
  if (candidates.length > 1) {
    const names = candidates.map((t) => `${t.taskId!.value} (framework ${t.frameworkId?.value}, ${TaskState[t.state]})`);
    throw invalid(`More than one ${what} matches '${ref}': ${names.join(", ")}`);
  }
  return candidates[0]!;
}

/** Where `task` runs: its agent's HTTP address and its container. */
export async function locateTask(operator: OperatorClient, task: Task): Promise<TaskLocation> {
  const agentId = task.agentId?.value;
  const { agents } = await operator.getAgents();
  const agent = agents.find((a) => a.agentInfo?.id?.value === agentId);
  if (!agent) throw unavailable(`Unable to find agent '${agentId}' of task '${task.taskId?.value}'`);
  const fromPid = agent.pid.includes("@") ? agent.pid.split("@")[1] : undefined;
  const agentAddress = fromPid || `${agent.agentInfo!.hostname}:${agent.agentInfo!.port}`;
  const containerId = [...task.statuses].reverse().find((s) => s.containerStatus?.containerId?.value)?.containerStatus?.containerId;
  if (!containerId) {
    throw unavailable(`No container found for task '${task.taskId?.value}'. It might still be spinning up. Please try again`);
  }
  return { task, agentAddress, containerId };
}

function hostOf(baseUrl: string): string {
  return baseUrl.replace(/^https?:\/\//, "");
}
