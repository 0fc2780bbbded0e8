/**
 * The read model as v1 agent API messages: GET_TASKS, GET_EXECUTORS, GET_FRAMEWORKS, GET_STATE.
 */
import { create } from "@bufbuild/protobuf";
import { isTerminalState } from "@mesos/core";
import { agent, ExecutorInfoSchema } from "@mesos/proto";
import type { AgentSummary } from "./summaries.ts";

export function getTasks(s: AgentSummary): agent.Response_GetTasks {
  const tasks = s.tasks.map((t) => t.task);
  return create(agent.Response_GetTasksSchema, {
    launchedTasks: tasks.filter((t) => !isTerminalState(t.state)),
    // Terminal, but the framework has not acknowledged it yet.
    terminatedTasks: tasks.filter((t) => isTerminalState(t.state)),
  });
}

export function getExecutors(s: AgentSummary): agent.Response_GetExecutors {
  return create(agent.Response_GetExecutorsSchema, {
    executors: s.executors.map((e) => ({
      executorInfo: create(ExecutorInfoSchema, {
        executorId: { value: e.id },
        frameworkId: { value: e.frameworkId },
        name: e.name,
        command: e.command,
        resources: e.resources,
      }),
    })),
  });
}

export function getFrameworks(s: AgentSummary): agent.Response_GetFrameworks {
  return create(agent.Response_GetFrameworksSchema, { frameworks: s.frameworks.map((info) => ({ frameworkInfo: info })) });
}

export function getState(s: AgentSummary): agent.Response_GetState {
  return create(agent.Response_GetStateSchema, { getTasks: getTasks(s), getExecutors: getExecutors(s), getFrameworks: getFrameworks(s) });
}
