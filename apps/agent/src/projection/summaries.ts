/**
 * The agent's read model, computed once per request from its live state: tasks (as Mesos's Task
 * message), the executors they run under (a command task is its own command executor; the tasks
 * of a group share their executor) and the frameworks. The v1 API (v1.ts), the v0 `/state` JSON
 * (v0.ts) and what the agent reports to the master (report.ts) are encoders of it.
 */
import { create } from "@bufbuild/protobuf";
import { isTerminalState, Resources } from "@mesos/core";
import { rootKey } from "@mesos/plugin-api";
import type { CommandInfo, FrameworkInfo, Resource, Task } from "@mesos/proto";
import { TaskSchema } from "@mesos/proto";
import type { AgentContext, LiveTask } from "../context.ts";
import { executorSandbox } from "../tasks/sandbox.ts";

export interface TaskSummary {
  live: LiveTask;
  /** With `executor_id` set, as the agent's API shows it (the master's view leaves it out for command tasks). */
  task: Task;
  executor: ExecutorSummary;
}

export interface ExecutorSummary {
  frameworkId: string;
  id: string;
  name: string;
  /** A command task's: the task is its own executor. */
  commandExecutor: boolean;
  /** The command executor's command (the task's); none for a task group's executor. */
  command?: CommandInfo;
  /** What its tasks hold. */
  resources: Resource[];
  /** Its container (the key of the container the tasks run in or under). */
  container: string;
  directory: string;
  /** ExecutorInfo.source as Mesos fills it: a command executor's is its task id. */
  source: string;
  tasks: TaskSummary[];
}

export interface AgentSummary {
  tasks: TaskSummary[];
  executors: ExecutorSummary[];
  /** Every framework the agent knows. */
  frameworks: FrameworkInfo[];
  /** The frameworks with tasks here, with their executors, in the order their tasks were first seen. */
  frameworksWithTasks: { info?: FrameworkInfo; id: string; executors: ExecutorSummary[] }[];
  /** What the tasks that have not ended hold. */
  used: Resources;
}

/** A live task as Mesos's Task message, with `executor_id` set (the agent's API shows it for command tasks too). */
export function taskMessage(ctx: AgentContext, t: LiveTask): Task {
  return create(TaskSchema, {
    name: t.info.name,
    taskId: t.info.taskId,
    frameworkId: { value: t.frameworkId },
    executorId: { value: t.executorId ?? t.info.taskId!.value },
    agentId: { value: ctx.info.id?.value ?? "" },
    state: t.state,
    resources: t.info.resources,
    labels: t.info.labels,
    discovery: t.info.discovery,
    container: t.info.container,
    user: taskUser(ctx, t),
  });
}

/** The user a task runs as: its command's, else its framework's. */
export function taskUser(ctx: AgentContext, t: LiveTask): string | undefined {
  return t.info.command?.user || ctx.frameworks.get(t.frameworkId)?.user;
}

/** Who runs a task: its executor's id, name, container and sandbox (a command task is its own executor). */
export function executorOf(t: LiveTask) {
  const id = t.executorId ?? t.info.taskId!.value;
  return {
    frameworkId: t.frameworkId,
    id,
    name: t.executorId ? id : `Command Executor (Task: ${id})`,
    container: rootKey(t.containerId),
    directory: executorSandbox(t),
    source: t.executorId ? "" : id,
  };
}

export function summarize(ctx: AgentContext): AgentSummary {
  const executors = new Map<string, ExecutorSummary>();
  const byFramework = new Map<string, ExecutorSummary[]>();
  const tasks: TaskSummary[] = [];
  for (const t of ctx.tasks.values()) {
    const commandExecutor = !t.executorId;
    const id = t.executorId ?? t.info.taskId!.value;
    const key = `${t.frameworkId}/${id}`;
    let executor = executors.get(key);
    if (!executor) {
      executor = { ...executorOf(t), commandExecutor, command: commandExecutor ? t.info.command : undefined, resources: [], tasks: [] };
      executors.set(key, executor);
      byFramework.set(t.frameworkId, [...(byFramework.get(t.frameworkId) ?? []), executor]);
    }
    executor.resources.push(...t.info.resources);
    const summary: TaskSummary = {
      live: t,
      executor,
      task: taskMessage(ctx, t),
    };
    executor.tasks.push(summary);
    tasks.push(summary);
  }
  let used = Resources.EMPTY;
  for (const t of tasks) if (!isTerminalState(t.live.state)) used = used.plus(t.live.info.resources);
  return {
    tasks,
    used,
    executors: [...executors.values()],
    frameworks: [...ctx.frameworks.values()],
    frameworksWithTasks: [...byFramework].map(([id, list]) => ({ id, info: ctx.frameworks.get(id), executors: list })),
  };
}
