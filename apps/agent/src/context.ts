/** Everything the agent's parts share. */
import type { Clock, Logger, LoggingLevel, Metrics, TimerHandle } from "@mesos/core";
import type { FileService } from "@mesos/rpc";
import type { CompletedHistory } from "./tasks/completed-history.ts";
import type { AgentInfo, FrameworkInfo, KillPolicy, Operation, TaskInfo, TaskState } from "@mesos/proto";
import type { Resources } from "@mesos/core";
import type { OperationUpdateManager } from "./operations/operation-updates.ts";
import type { ResourceProviderManager } from "./resource-provider/resource-provider-manager.ts";
import type { Containerizer } from "./containerizer/containerizer.ts";
import type { AgentFlags } from "./flags.ts";
import type { AgentStore } from "./state/agent-store.ts";
import type { StatusUpdateManager } from "./status-updates/status-update-manager.ts";
import type { internal } from "@mesos/proto";
import type { CustomExecutors } from "./executors/custom-executors.ts";

export interface LiveTask {
  frameworkId: string;
  info: TaskInfo;
  state: TaskState;
  /** The task's container as Mesos prints it: `<uuid>` for a command task, `<executor>.<uuid>` in a task group. */
  containerId: string;
  /** Set for tasks of a task group: the executor whose container holds the group. */
  executorId?: string;
  sandbox: string;
  killRequested: boolean;
  killTimer?: TimerHandle;
  /** Set while the container is being started (a kill must wait for it). */
  launching?: Promise<void>;
  /** Set once the task's executor container is being taken down (it is done once per group). */
  executorEnding?: boolean;
  /** A custom executor runs the task (custom-executors.ts): it reports the task's states and kills it. */
  customExecutor?: boolean;
}

export interface AgentContext {
  readonly flags: AgentFlags;
  readonly effectiveFlags: Record<string, string>;
  readonly clock: Clock;
  readonly log: Logger;
  /** GET_LOGGING_LEVEL / SET_LOGGING_LEVEL. */
  readonly loggingLevel: LoggingLevel;
  readonly store: AgentStore;
  readonly containerizer: Containerizer;
  readonly statusUpdates: StatusUpdateManager;
  /** What the agent reports to the master; `id` is set once registered. */
  readonly info: AgentInfo;
  /** Everything the agent has after offer operations (reservations, volumes); checkpointed. */
  total: Resources;
  /** Operations applied here and not yet forgotten, by operation uuid. */
  readonly operations: Map<string, Operation>;
  readonly operationUpdates: OperationUpdateManager;
  /** The local (storage) resource providers. */
  readonly resourceProviders: ResourceProviderManager;
  /** Where the agent is reached (`http://ip:port`, as advertised). */
  readonly endpoint: string;
  readonly workDir: string;
  readonly runtimeDir: string;
  readonly frameworks: Map<string, FrameworkInfo>;
  /** Executors, tasks and frameworks that ended, as Mesos keeps them for /state. */
  readonly completed: CompletedHistory;
  readonly metrics: Metrics;
  /** What `/files/*`, LIST_FILES and READ_FILE serve: the executors' sandboxes. */
  readonly files: FileService;
  /** When the agent started (ms since the epoch). */
  readonly startTime: number;
  /** Live (not yet acknowledged-terminal) tasks by `${frameworkId}/${taskId}`. */
  readonly tasks: Map<string, LiveTask>;
  /** Frameworks being shut down: their tasks' ends are not reported, only cleaned up. */
  readonly shuttingDown: Set<string>;
  /** Sends to the master if connected; returns false otherwise. */
  sendToMaster(message: internal.AgentMessage["message"]): boolean;
  killTask(frameworkId: string, taskId: string, killPolicy?: KillPolicy): void;
  /** The custom executors running here and their tasks' events. */
  readonly customExecutors: CustomExecutors;
}

export const taskKey = (frameworkId: string, taskId: string) => `${frameworkId}/${taskId}`;

/** `ip:port` of the agent, as advertised. */
export function agentAddress(ctx: Pick<AgentContext, "endpoint">): string {
  const url = new URL(ctx.endpoint);
  return `${url.hostname}:${url.port}`;
}

/** The agent's libprocess pid, as Mesos names it (`slave(1)@ip:port`). */
export const agentPid = (ctx: Pick<AgentContext, "endpoint">) => `slave(1)@${agentAddress(ctx)}`;
