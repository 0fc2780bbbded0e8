/**
 * The agent v1 container calls: LAUNCH_CONTAINER (standalone or nested), WAIT_CONTAINER,
 * KILL_CONTAINER, REMOVE_CONTAINER and GET_CONTAINERS (plus their deprecated *_NESTED_CONTAINER
 * twins), with Mesos's semantics: an unknown container is not found (404); launching an existing
 * one is accepted (202) and does nothing; a failed launch is invalid (400).
 */
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { errorMessage, invalid, notFound } from "@mesos/core";
import { containerIdString, containerIdValueError, isNestedKey } from "@mesos/plugin-api";
import { type CommandInfo, type ContainerID, type ContainerInfo, type Resource, Volume_Source_Type, agent } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import { signalDescription, SIGNAL_NUMBERS } from "../launch-protocol/termination.ts";
import { commandEnvironment, commandInfoEnvironment, commandToExec, DEFAULT_PATH } from "../tasks/command.ts";
import { homeDirectory } from "../tasks/users.ts";
import { ACCEPTED, type AgentCallReply } from "./agent-call-handler.ts";

interface ContainerLaunch {
  containerId: ContainerID;
  command?: CommandInfo;
  container?: ContainerInfo;
  resources?: Resource[];
  debug?: boolean;
}

/** Where a container launched through the API keeps its sandbox. */
function apiSandbox(ctx: AgentContext, id: ContainerID): string {
  if (!id.parent) return join(ctx.workDir, "containers", id.value);
  const parent = containerIdString(id.parent);
  const parentSandbox = ctx.containerizer.config(parent)?.directory ?? join(ctx.workDir, "containers", parent);
  return join(parentSandbox, "containers", id.value);
}

/** Launches a container for the API; false if it already existed (202). */
export async function launchApiContainer(ctx: AgentContext, req: ContainerLaunch): Promise<boolean> {
  const key = containerIdString(req.containerId);
  for (let id: ContainerID | undefined = req.containerId; id; id = id.parent) {
    const error = containerIdValueError(id.value);
    if (error) throw invalid(error);
  }
  if (ctx.containerizer.state(key) !== undefined) return false;
  if (req.containerId.parent && ctx.containerizer.state(containerIdString(req.containerId.parent)) === undefined) {
    throw notFound(`Parent container ${containerIdString(req.containerId.parent)} cannot be found`);
  }
  if (!req.containerId.parent && (req.resources ?? []).length === 0) throw invalid("A standalone container needs 'resources'");
  if (req.debug && req.container?.volumes.some((v) => v.source?.type === Volume_Source_Type.HOST_PATH)) {
    throw invalid("A DEBUG container cannot have HOST_PATH volumes");
  }
  const tty = req.container?.ttyInfo;
  if (tty?.windowSize && (tty.windowSize.rows === 0 || tty.windowSize.columns === 0)) throw invalid("'tty_info.window_size' must not be 0x0");
  const parentConfig = req.containerId.parent ? ctx.containerizer.config(containerIdString(req.containerId.parent)) : undefined;
  const sandbox = req.debug && parentConfig ? parentConfig.directory : apiSandbox(ctx, req.containerId);
  let command;
  if (req.command) {
    try {
      const { program, argv } = commandToExec(req.command);
      // A DEBUG container inherits its parent's environment (Mesos): only its own CommandInfo
      // variables go over it, and PATH, HOME and MESOS_SANDBOX fill in what the parent lacks.
      const defaults = { PATH: DEFAULT_PATH, HOME: homeDirectory(process.getuid?.() ?? 0) ?? sandbox, MESOS_SANDBOX: sandbox };
      command = req.debug
        ? { program, argv, env: commandInfoEnvironment(req.command), defaultEnv: defaults }
        : { program, argv, env: commandEnvironment(req.command, { MESOS_SANDBOX: sandbox }), defaultEnv: defaults };
    } catch (e) {
      throw invalid(errorMessage(e));
    }
  }
  try {
    await ctx.containerizer.launch({
      containerId: req.containerId,
      debug: req.debug,
      frameworkId: parentConfig?.frameworkId?.value,
      executorId: parentConfig?.executorId?.value,
      sandbox,
      resources: req.resources ?? [],
      commandInfo: req.command,
      containerInfo: req.container,
      command,
    });
  } catch (e) {
    throw invalid(`Failed to launch container '${key}': ${errorMessage(e)}`, e);
  }
  return true;
}

export async function launchContainerCall(
  ctx: AgentContext,
  l: agent.Call_LaunchContainer | agent.Call_LaunchNestedContainer,
): Promise<AgentCallReply> {
  const launched = await launchApiContainer(ctx, {
    containerId: l.containerId!,
    command: l.command,
    container: l.container,
    resources: "resources" in l ? l.resources : undefined,
  });
  return launched ? create(agent.ResponseSchema, {}) : ACCEPTED;
}

function known(ctx: AgentContext, id: ContainerID | undefined): string {
  if (!id) throw invalid("'container_id' is missing");
  const key = containerIdString(id);
  if (ctx.containerizer.state(key) === undefined) throw notFound(`Container ${key} cannot be found`);
  return key;
}

export async function waitContainerCall(ctx: AgentContext, id: ContainerID | undefined, nested: boolean): Promise<AgentCallReply> {
  const key = known(ctx, id);
  const ended = await ctx.containerizer.wait(key);
  const t = ended.termination;
  const wait = {
    exitStatus: t.waitStatus,
    reason: ended.limitation?.limitation.reason,
    limitation: ended.limitation ? { resources: ended.limitation.limitation.resources } : undefined,
    message: ended.limitation?.limitation.message ?? (t.launchError ? `Failed to launch container: ${t.launchError}` : undefined),
  };
  return create(
    agent.ResponseSchema,
    nested
      ? { type: agent.Response_Type.WAIT_NESTED_CONTAINER, waitNestedContainer: wait }
      : { type: agent.Response_Type.WAIT_CONTAINER, waitContainer: wait },
  );
}

export async function killContainerCall(ctx: AgentContext, id: ContainerID | undefined, signal: number | undefined): Promise<AgentCallReply> {
  const key = known(ctx, id);
  const sig = signal || 9;
  const name = Object.entries(SIGNAL_NUMBERS).find(([, n]) => n === sig)?.[0] as NodeJS.Signals | undefined;
  if (!name) throw invalid(`Unknown signal ${sig}`);
  ctx.log.info(`Sending ${signalDescription(sig)} to container ${key}`);
  ctx.containerizer.signal(key, name);
  return create(agent.ResponseSchema, {});
}

export async function removeContainerCall(ctx: AgentContext, id: ContainerID | undefined): Promise<AgentCallReply> {
  if (!id) throw invalid("'container_id' is missing");
  const key = containerIdString(id);
  const state = ctx.containerizer.state(key);
  if (state === undefined) return create(agent.ResponseSchema, {});
  if (state !== "terminated") throw invalid(`Container ${key} is still running`);
  ctx.containerizer.remove(key);
  return create(agent.ResponseSchema, {});
}

export async function getContainersCall(ctx: AgentContext, g: agent.Call_GetContainers | undefined): Promise<AgentCallReply> {
  const containers = [];
  for (const key of ctx.containerizer.keys()) {
    const config = ctx.containerizer.config(key)!;
    const state = ctx.containerizer.state(key);
    if (state === "terminated") continue;
    const nested = isNestedKey(key);
    const standalone = !config.frameworkId?.value;
    if (nested && !g?.showNested) continue;
    if (!nested && standalone && !g?.showStandalone) continue;
    const [status, usage] = await Promise.all([
      ctx.containerizer.status(key).catch(() => undefined),
      ctx.containerizer.usage(key).catch(() => undefined),
    ]);
    containers.push({
      frameworkId: config.frameworkId,
      executorId: config.executorId,
      executorName: !config.executorId
        ? undefined
        : commandExecutor(config)
          ? `Command Executor (Task: ${config.executorId.value})`
          : config.executorId.value,
      containerId: config.containerId,
      containerStatus: status,
      resourceStatistics: usage,
    });
  }
  return create(agent.ResponseSchema, { type: agent.Response_Type.GET_CONTAINERS, getContainers: { containers } });
}

/** A command task's container: its executor is the task itself. */
function commandExecutor(config: { executorId?: { value: string }; taskIds: { value: string }[] }): boolean {
  return config.taskIds.length === 1 && config.taskIds[0]!.value === config.executorId?.value;
}
