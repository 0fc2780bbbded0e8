/**
 * Building and running an agent: checkpoint store, containerizer, status update manager, recovery,
 * the HTTP server, and the link to the master. `startAgent` is what `mesos agent` and `mesos local`
 * call; tests call it in-process.
 */
import { serveLateBound } from "@mesos/rpc";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type Clock, createLogger, type Logger, parseAttributes, systemClock, uuidToBytes } from "@mesos/core";
import { AgentInfoSchema, internal } from "@mesos/proto";
import { createIsolatorChain } from "@mesos/plugin-api";
import { createContainerizer } from "./containerizer/containerizer.ts";
import { createIsolators, type IsolatorFactory } from "./containerizer/isolators/registry.ts";
import type { AgentContext } from "./context.ts";
import type { AgentFlags } from "./flags.ts";
import { createAgentApp } from "./http/app.ts";
import { createMasterLink } from "./master-link.ts";
import { handleMasterMessage } from "./master-messages.ts";
import { recoverAgent } from "./recover.ts";
import { attachRequest } from "./report.ts";
import { agentResources, probeHost } from "./resources/detect.ts";
import { createAgentStore } from "./state/agent-store.ts";
import { createStatusUpdateManager } from "./status-updates/status-update-manager.ts";
import { killTask } from "./tasks/kill-task.ts";
import { createOperationUpdateManager } from "./operations/operation-updates.ts";
import { forgetTask } from "./tasks/shutdown-framework.ts";

export interface AgentOptions {
  flags: AgentFlags;
  effectiveFlags?: Record<string, string>;
  clock?: Clock;
  log?: Logger;
  /** How to run this binary again for `mesos __launch`. */
  launchHelperCommand: string[];
  /** Called when the master refuses this agent for good (e.g. it was marked gone). */
  onFatal?(reason: string): void;
  /** More built-in isolators `--isolation` may name (embedders, tests). */
  isolators?: Record<string, IsolatorFactory>;
}

export interface RunningAgent {
  ctx: AgentContext;
  url: string;
  port: number;
  /** Resolves once registered with the master (the first time). */
  registered: Promise<string>;
  stop(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { flags } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger({ name: "agent", level: "info" });
  const workDir = resolve(flags.work_dir);
  const runtimeDir = resolve(flags.runtime_dir ?? join(workDir, "runtime"));
  mkdirSync(workDir, { recursive: true });
  mkdirSync(runtimeDir, { recursive: true });
  const resources = agentResources(flags.resources, probeHost(workDir), flags.default_role);
  const attributes = parseAttributes(flags.attributes);

  const launcher = flags.launcher ?? (process.getuid?.() === 0 ? "linux" : "posix");
  if (launcher === "linux" && process.getuid?.() !== 0)
    throw new Error("Flag '--launcher=linux' needs the agent to run as root; use --launcher=posix");
  // An unknown isolator, a plugin that is not there or speaks no version we know: stop here.
  const isolation = await createIsolators({ flags, log, clock, workDir, extra: options.isolators });
  const chain = createIsolatorChain(isolation.isolators, {
    onError: (isolator, step, e) => log.warn(`Isolator '${isolator}' failed to ${step}: ${(e as Error).message}`),
    now: () => clock.now() / 1000,
  });
  const store = createAgentStore(join(workDir, "meta", "agent.db"));
  const http = serveLateBound({ hostname: flags.ip, port: flags.port, name: "Agent" });
  const port = http.port;
  const advertisedIp = flags.advertise_ip ?? flags.ip;
  const endpoint = `http://${advertisedIp}:${flags.advertise_port ?? port}`;

  let link!: ReturnType<typeof createMasterLink>;
  let ctx!: AgentContext;
  const statusUpdates = createStatusUpdateManager({
    store: store.statusUpdates,
    clock,
    log,
    forward: (u) => {
      const latest = ctx.tasks.get(`${u.frameworkId}/${u.taskId}`)?.state;
      const value = create(internal.StatusUpdateSchema, { frameworkId: { value: u.frameworkId }, status: u.status, latestState: latest });
      return link.send({ case: "statusUpdate", value });
    },
    onTerminalAcknowledged: (frameworkId, taskId) => forgetTask(ctx, frameworkId, taskId),
  });
  const operationUpdates = createOperationUpdateManager({
    store: store.operationUpdates,
    clock,
    log,
    forward: (u) => {
      const latestStatus = ctx.operations.get(u.operationUuid)?.latestStatus;
      const value = create(internal.OperationStatusUpdateSchema, {
        frameworkId: u.frameworkId === undefined ? undefined : { value: u.frameworkId },
        operationUuid: uuidToBytes(u.operationUuid),
        status: u.status,
        latestStatus,
      });
      return link.send({ case: "operationStatusUpdate", value });
    },
    onTerminalAcknowledged: (uuid) => {
      ctx.operations.delete(uuid);
      store.removeOperation(uuid);
    },
  });
  ctx = {
    flags,
    effectiveFlags: options.effectiveFlags ?? {},
    clock,
    log,
    store,
    containerizer: createContainerizer({
      store,
      clock,
      log,
      launchHelperCommand: options.launchHelperCommand,
      launcher,
      isolators: chain,
      runtimeDir,
      sandboxDirectory: flags.sandbox_directory,
      launchTimeoutMs: flags.launch_timeout,
    }),
    statusUpdates,
    operationUpdates,
    total: resources,
    operations: new Map(),
    info: create(AgentInfoSchema, {
      hostname: flags.hostname ?? advertisedIp,
      port: flags.advertise_port ?? port,
      resources: resources.toArray(),
      attributes,
    }),
    workDir,
    runtimeDir,
    frameworks: new Map(),
    tasks: new Map(),
    shuttingDown: new Set(),
    sendToMaster: (message) => link.send(message),
    killTask: (frameworkId, taskId, killPolicy) => killTask(ctx, frameworkId, taskId, killPolicy),
  };
  await recoverAgent(ctx);
  http.attach(createAgentApp(ctx, () => endpoint).fetch);

  let resolveRegistered!: (id: string) => void;
  const registered = new Promise<string>((r) => (resolveRegistered = r));
  link = createMasterLink({
    master: flags.master,
    clock,
    log,
    backoffFactorMs: flags.registration_backoff_factor,
    attachRequest: () => attachRequest(ctx, endpoint),
    onRegistered: (r) => {
      const id = r.agentId!.value;
      if (ctx.info.id?.value !== id) {
        ctx.info.id = r.agentId;
        store.setMeta("agent_id", id);
      }
      log.info(`Registered with master ${r.masterInfo?.id} as agent ${id}`);
      statusUpdates.resendAll();
      operationUpdates.resendAll();
      resolveRegistered(id);
    },
    onMessage: (m) => handleMasterMessage(ctx, m),
    onDisconnected: () => log.warn("Disconnected from the master"),
    onRefused: (reason) => {
      log.error(`The master refused this agent: ${reason}`);
      options.onFatal?.(reason);
    },
  });
  link.start();
  log.info(`Agent listening on ${endpoint} with resources ${resources}`);

  return {
    ctx,
    url: endpoint,
    port,
    registered,
    async stop() {
      link.stop();
      ctx.containerizer.stop();
      isolation.stop();
      statusUpdates.stop();
      operationUpdates.stop();
      for (const t of ctx.tasks.values()) t.killTimer?.cancel();
      await http.server.stop(true);
      store.close();
    },
  };
}
