/**
 * The agent assembled in memory: checkpoint store, containerizer, status and operation update
 * managers, recovery from the checkpoints, and the app that serves its API (a hono app with the
 * Connect services mounted, and those services with their guard stage for an in-memory transport). Nothing here
 * listens or dials: `startAgent` adds the listener and the link to the master.
 *
 * Tests and embedders inject what they want to replace: a `:memory:` store, a manual clock, a
 * containerizer of their own (anything implementing `Containerizer`), a master link that records
 * what the agent sends.
 */
import { createCustomExecutors } from "./executors/custom-executors.ts";
import type { OutgoingAgentMessage } from "./master-link.ts";
import { join, resolve } from "node:path";
import { mkdirSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { type ConnectApi, createFileService } from "@mesos/rpc";
import { type Clock, createLogger, createLoggingLevel, type Logger, Metrics, parseAttributes, systemClock, uuidToBytes } from "@mesos/core";
import { createIsolatorChain } from "@mesos/plugin-api";
import { createUriDiskProfileAdaptor, type DiskProfileAdaptor } from "@mesos/plugin-csi";
import { AgentInfoSchema, internal } from "@mesos/proto";
import type { Hono } from "hono";
import type { Containerizer } from "./containerizer/containerizer.ts";
import { createImageSupport } from "./containerizer/image-support.ts";
import { createIsolators, type IsolatorFactory, isolationNames } from "./containerizer/isolators/registry.ts";
import { createMesosContainerizer } from "./containerizer/mesos-containerizer.ts";
import { registerAgentMetrics } from "./agent-metrics.ts";
import type { AgentContext } from "./context.ts";
import { attachedRuns, createSandboxPaths } from "./files/sandbox-paths.ts";
import { CompletedHistory } from "./tasks/completed-history.ts";
import type { AgentFlags } from "./flags.ts";
import { createAgentApp } from "./http/app.ts";
import { handleMasterMessage } from "./master-messages.ts";
import { createOperationUpdateManager } from "./operations/operation-updates.ts";
import { recoverAgent } from "./recover.ts";
import { diskProfileAdaptorConfig } from "./resource-provider/disk-profile-flag.ts";
import { createResourceProviderManager } from "./resource-provider/resource-provider-manager.ts";
import { attachRequest } from "./projection/report.ts";
import { agentResources, probeHost } from "./resources/detect.ts";
import { type AgentStore, createAgentStore } from "./state/agent-store.ts";
import { createStatusUpdateManager, encodedStatusUpdate } from "./status-updates/status-update-manager.ts";
import { killTask } from "./tasks/kill-task.ts";
import { shutdownAllFrameworks } from "./tasks/shutdown-framework.ts";
import { forgetTask } from "./tasks/shutdown-framework.ts";
import { answerReconciliations } from "./tasks/reconcile-tasks.ts";

/** What the agent needs of its link to the master: a way to send (false while not attached). */
export interface MasterSender {
  send(message: OutgoingAgentMessage): boolean;
}

export interface AgentDeps {
  flags: AgentFlags;
  effectiveFlags?: Record<string, string>;
  clock?: Clock;
  log?: Logger;
  /** Where the agent is reached (default: http://ADVERTISE_IP:ADVERTISE_PORT, else --ip and --port). */
  endpoint?: string;
  /** The checkpoints (default: WORK_DIR/meta/agent.db). The agent closes it when it stops. */
  store?: AgentStore;
  /** What runs the containers (default: the Mesos containerizer, from the flags). */
  containerizer?: Containerizer;
  /** The link to the master (default: none, every send fails until `startAgent` attaches one). */
  masterLink?: MasterSender;
  /** How to run this binary again for `mesos __launch` (the Mesos containerizer needs it). */
  launchHelperCommand?: string[];
  /** More built-in isolators `--isolation` may name (embedders, tests). */
  isolators?: Record<string, IsolatorFactory>;
}

export interface Agent {
  ctx: AgentContext;
  /** The agent's HTTP surface: `/api/v1`, `/state`, ... and the Connect services. */
  app: Hono;
  /** The Connect services with their guard stage (for an in-memory transport: createInMemoryTransport). */
  connect: ConnectApi;
  /**
   * Resolves when recovery is over: every custom executor recovered after a restart re-subscribed
   * or ended, or --executor_reregistration_timeout passed (those still away are destroyed). Mesos's
   * agent looks for the master only then; `startAgent` dials it only then.
   */
  recovered: Promise<void>;
  /** For the master link: what the agent holds right now, sent with every attach (an encoded AttachRequest). */
  attachRequest(): Uint8Array;
  /** For the master link: registered (or re-registered) as `registered.agentId`. */
  registered(registered: internal.Registered): void;
  /** For the master link: a message from the master. */
  /** A message from the master, with its bytes if it came over the link. */
  receive(message: internal.MasterMessage, frame?: Uint8Array): void;
  /** The master shut this agent down: every framework's tasks are killed; resolves once they ended. */
  shutdown(): Promise<void>;
  /** Stops the agent's timers and resource providers and closes the store; containers keep running (the next agent recovers them). */
  stop(): Promise<void>;
}

export async function createAgent(deps: AgentDeps): Promise<Agent> {
  const { flags } = deps;
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? createLogger({ name: "agent", level: "info" });
  const workDir = resolve(flags.work_dir);
  const runtimeDir = resolve(flags.runtime_dir ?? join(workDir, "runtime"));
  mkdirSync(workDir, { recursive: true });
  mkdirSync(runtimeDir, { recursive: true });
  const endpoint = deps.endpoint ?? `http://${flags.advertise_ip ?? flags.ip}:${flags.advertise_port ?? flags.port}`;
  const address = new URL(endpoint);
  const resources = agentResources(flags.resources, probeHost(workDir), flags.default_role);
  const store = deps.store ?? createAgentStore(join(workDir, "meta", "agent.db"));
  let containers: { containerizer: Containerizer; stop(): void };
  try {
    containers = deps.containerizer
      ? { containerizer: deps.containerizer, stop() {} }
      : await createDefaultContainerizer(deps, { clock, log, store, workDir, runtimeDir });
  } catch (e) {
    store.close();
    throw e;
  }
  const link = deps.masterLink ?? { send: () => false };

  let ctx!: AgentContext;
  const metrics = new Metrics();
  const statusUpdates = createStatusUpdateManager({
    store: store.statusUpdates,
    clock,
    log,
    forward: (u) => {
      const latest = ctx.tasks.get(`${u.frameworkId}/${u.taskId}`)?.state;
      return link.send(encodedStatusUpdate(u, latest));
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
    loggingLevel: createLoggingLevel({ log, clock }),
    flags,
    effectiveFlags: deps.effectiveFlags ?? {},
    clock,
    log,
    store,
    containerizer: containers.containerizer,
    statusUpdates,
    operationUpdates,
    total: resources,
    operations: new Map(),
    info: create(AgentInfoSchema, {
      hostname: flags.hostname ?? address.hostname,
      port: Number(address.port),
      resources: resources.toArray(),
      attributes: parseAttributes(flags.attributes),
    }),
    endpoint,
    workDir,
    runtimeDir,
    frameworks: new Map(),
    completed: new CompletedHistory(),
    metrics,
    files: createFileService(
      createSandboxPaths({ slavesDir: join(workDir, "slaves"), agentId: () => ctx.info.id?.value ?? "", runs: () => attachedRuns(ctx) }),
    ),
    startTime: clock.now(),
    tasks: new Map(),
    shuttingDown: new Set(),
    sendToMaster: (message) => link.send(message),
    killTask: (frameworkId, taskId, killPolicy) => killTask(ctx, frameworkId, taskId, killPolicy),
    customExecutors: createCustomExecutors(() => ctx),
    resourceProviders: createResourceProviderManager(() => ctx, {
      configDir: flags.resource_provider_config_dir,
      profileAdaptor: profileAdaptor(flags, clock, log),
      endpointTimeoutMs: flags.csi_plugin_endpoint_timeout,
    }),
  };
  registerAgentMetrics(ctx, metrics);
  await recoverAgent(ctx);
  ctx.resourceProviders.start();
  const { app, connect } = createAgentApp(ctx);
  const recovered = ctx.customExecutors.awaitRecovered().then(() => log.info("Finished recovery"));

  return {
    ctx,
    app,
    connect,
    recovered,
    attachRequest: () => attachRequest(ctx),
    registered(r) {
      const id = r.agentId!.value;
      if (ctx.info.id?.value !== id) {
        ctx.info.id = r.agentId;
        store.setMeta("agent_id", id);
      }
      log.info(`Registered with master ${r.masterInfo?.id} as agent ${id}`);
      statusUpdates.resendAll();
      operationUpdates.resendAll();
      ctx.customExecutors.registered();
      answerReconciliations(ctx, r.reconciliations);
    },
    receive: (message, frame) => handleMasterMessage(ctx, message, frame),
    shutdown: () => shutdownAllFrameworks(ctx, flags.executor_shutdown_grace_period),
    async stop() {
      await ctx.resourceProviders.stop();
      ctx.containerizer.stop();
      containers.stop();
      statusUpdates.stop();
      operationUpdates.stop();
      for (const t of ctx.tasks.values()) t.killTimer?.cancel();
      ctx.customExecutors.stop();
      store.close();
    },
  };
}

/** The disk profile adaptor `--disk_profile_adaptor` names, if any (a bad value stops the agent at start-up). */
function profileAdaptor(flags: AgentFlags, clock: Clock, log: Logger): DiskProfileAdaptor | undefined {
  const config = diskProfileAdaptorConfig(flags.disk_profile_adaptor, flags.modules);
  return config && createUriDiskProfileAdaptor({ ...config, clock, log: log.child("disk-profile-adaptor") });
}

/** The Mesos containerizer with the isolators `--isolation` names; stopping it stops the plugin processes the agent started. */
async function createDefaultContainerizer(
  deps: AgentDeps,
  env: { clock: Clock; log: Logger; store: AgentStore; workDir: string; runtimeDir: string },
): Promise<{ containerizer: Containerizer; stop(): void }> {
  const { flags } = deps;
  const { clock, log } = env;
  if (!deps.launchHelperCommand) throw new Error("The Mesos containerizer needs 'launchHelperCommand' (how to run `mesos __launch`)");
  const launcher = flags.launcher ?? (process.getuid?.() === 0 ? "linux" : "posix");
  if (launcher === "linux" && process.getuid?.() !== 0)
    throw new Error("Flag '--launcher=linux' needs the agent to run as root; use --launcher=posix");
  // Images need the filesystem/linux isolator and the linux launcher (checked here, as Mesos does).
  const images = createImageSupport(flags, { clock, log, workDir: env.workDir, launcher, isolation: isolationNames(flags.isolation) });
  // An unknown isolator, a plugin that is not there or speaks no version we know: stop here.
  let isolation: Awaited<ReturnType<typeof createIsolators>>;
  try {
    isolation = await createIsolators({ flags, log, clock, launcher, workDir: env.workDir, extra: deps.isolators });
  } catch (e) {
    images?.stop();
    throw e;
  }
  const chain = createIsolatorChain(isolation.isolators, {
    onError: (isolator, step, e) => log.warn(`Isolator '${isolator}' failed to ${step}: ${(e as Error).message}`),
    now: () => clock.now() / 1000,
  });
  const containerizer = createMesosContainerizer({
    store: env.store,
    clock,
    log,
    launchHelperCommand: deps.launchHelperCommand,
    launcher,
    isolators: chain,
    runtimeDir: env.runtimeDir,
    sandboxDirectory: flags.sandbox_directory,
    launchTimeoutMs: flags.launch_timeout,
    provisioner: images?.provisioner,
  });
  return {
    containerizer,
    stop() {
      images?.stop();
      isolation.stop();
    },
  };
}
