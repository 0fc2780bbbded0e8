/**
 * The agent's state as v1 agent API messages (GET_TASKS, GET_EXECUTORS, GET_FRAMEWORKS,
 * GET_STATE). A command task runs under its own command executor, whose id is the task's id; the
 * tasks of a task group share their group's executor.
 */
import { create } from "@bufbuild/protobuf";
import { isTerminalState } from "@mesos/core";
import { agent, ExecutorInfoSchema, type Task, TaskSchema } from "@mesos/proto";
import type { AgentContext, LiveTask } from "../context.ts";

function taskOf(ctx: AgentContext, t: LiveTask): Task {
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
    user: t.info.command?.user || ctx.frameworks.get(t.frameworkId)?.user,
  });
}

export function getTasks(ctx: AgentContext): agent.Response_GetTasks {
  const tasks = [...ctx.tasks.values()].map((t) => taskOf(ctx, t));
  return create(agent.Response_GetTasksSchema, {
    launchedTasks: tasks.filter((t) => !isTerminalState(t.state)),
    // Terminal, but the framework has not acknowledged it yet.
    terminatedTasks: tasks.filter((t) => isTerminalState(t.state)),
  });
}

export function getExecutors(ctx: AgentContext): agent.Response_GetExecutors {
  const executors = new Map<string, agent.Response_GetExecutors_Executor>();
  for (const t of ctx.tasks.values()) {
    const id = t.executorId ?? t.info.taskId!.value;
    const key = `${t.frameworkId}/${id}`;
    const existing = executors.get(key);
    if (existing) {
      existing.executorInfo!.resources.push(...t.info.resources);
      continue;
    }
    executors.set(
      key,
      create(agent.Response_GetExecutors_ExecutorSchema, {
        executorInfo: create(ExecutorInfoSchema, {
          executorId: { value: id },
          frameworkId: { value: t.frameworkId },
          name: t.executorId ? id : `Command Executor (Task: ${id})`,
          command: t.executorId ? undefined : t.info.command,
          resources: [...t.info.resources],
        }),
      }),
    );
  }
  return create(agent.Response_GetExecutorsSchema, { executors: [...executors.values()] });
}

export function getFrameworks(ctx: AgentContext): agent.Response_GetFrameworks {
  return create(agent.Response_GetFrameworksSchema, {
    frameworks: [...ctx.frameworks.values()].map((info) => ({ frameworkInfo: info })),
  });
}

export function getState(ctx: AgentContext): agent.Response_GetState {
  return create(agent.Response_GetStateSchema, {
    getTasks: getTasks(ctx),
    getExecutors: getExecutors(ctx),
    getFrameworks: getFrameworks(ctx),
  });
}
