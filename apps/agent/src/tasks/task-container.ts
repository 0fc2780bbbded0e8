/**
 * The task runner's pieces: the command a task's container runs (with its environment and
 * switch_user), the command executor's resource allowance, and how a container's end becomes the
 * task's terminal state.
 */
import { create } from "@bufbuild/protobuf";
import { type CommandInfo, type FrameworkInfo, type Resource, ResourceSchema, TaskState } from "@mesos/proto";
import type { AgentContext, LiveTask } from "../context.ts";
import type { ContainerTermination, LaunchRequest } from "../containerizer/containerizer.ts";
import type { LaunchUser } from "../launch-protocol/launch-info.ts";
import { describeTermination } from "../launch-protocol/termination.ts";
import { commandInfoEnvironment, commandToExec, DEFAULT_PATH } from "./command.ts";
import { type StatusFields, TaskStatus_Reason, TaskStatus_Source } from "./task-status.ts";
import { currentUserName } from "@mesos/core";
import { lookupUser } from "./users.ts";

/** Mesos gives the command executor 0.1 cpus and 32 MB on top of the task (the agent overcommits them). */
const EXECUTOR_CPUS = 0.1;
const EXECUTOR_MEM_MB = 32;

export function withExecutorAllowance(resources: readonly Resource[]): Resource[] {
  return [
    ...resources,
    create(ResourceSchema, { name: "cpus", type: 0, role: "*", scalar: { value: EXECUTOR_CPUS } }),
    create(ResourceSchema, { name: "mem", type: 0, role: "*", scalar: { value: EXECUTOR_MEM_MB } }),
  ];
}

/** The user a task runs as, or undefined for the agent's own user. Throws if it cannot be used. */
function taskUser(ctx: AgentContext, framework: FrameworkInfo, command: CommandInfo): LaunchUser | undefined {
  if (!ctx.flags.switch_user) return undefined;
  const name = command.user || framework.user;
  if (!name || name === currentUserName()) return undefined;
  const user = lookupUser(name);
  if (!user) throw new Error(`Failed to get user information for '${name}'`);
  if (process.getuid?.() !== 0) throw new Error(`cannot run as user '${name}': the agent is not running as root`);
  return user;
}

/**
 * The command a task's container runs. With an image, a command without a value (`shell: false`)
 * is left for the docker/runtime isolator to take from the image. PATH is a default beneath every
 * other variable, so an image's own PATH wins over it.
 */
export function taskCommand(
  ctx: AgentContext,
  framework: FrameworkInfo,
  command: CommandInfo,
  env: Record<string, string>,
  hasImage = false,
): NonNullable<LaunchRequest["command"]> {
  const { program, argv } = hasImage && !command.shell && !command.value ? { program: "", argv: [] } : commandToExec(command);
  return {
    program,
    argv,
    env: { ...env, ...commandInfoEnvironment(command) },
    defaultEnv: { PATH: DEFAULT_PATH },
    user: taskUser(ctx, framework, command),
  };
}

/** The terminal state and status fields for a task whose container ended. */
export function terminalStatus(task: LiveTask, ended: ContainerTermination): { state: TaskState; fields: StatusFields } {
  const t = ended.termination;
  // A limitation explains whatever else happened (even the init being OOM-killed).
  if (ended.limitation) {
    const l = ended.limitation.limitation;
    return {
      state: TaskState.TASK_FAILED,
      fields: {
        message: l.message || `Container reached a limitation (${ended.limitation.isolator})`,
        reason: l.reason || TaskStatus_Reason.CONTAINER_LIMITATION,
        source: TaskStatus_Source.AGENT,
        limitation: l.resources,
        exitCode: t.exitCode,
        signal: t.signal,
      },
    };
  }
  if (t.launchError) {
    return {
      state: TaskState.TASK_FAILED,
      fields: { message: describeTermination(t), reason: TaskStatus_Reason.CONTAINER_LAUNCH_FAILED, source: TaskStatus_Source.AGENT },
    };
  }
  const message = describeTermination(t);
  if (task.killRequested) return { state: TaskState.TASK_KILLED, fields: { message, exitCode: t.exitCode, signal: t.signal } };
  if (t.exitCode === 0) return { state: TaskState.TASK_FINISHED, fields: { message, exitCode: 0 } };
  return { state: TaskState.TASK_FAILED, fields: { message, exitCode: t.exitCode, signal: t.signal } };
}
