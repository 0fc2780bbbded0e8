/**
 * The master's composition root: `createMaster` builds the state owners, the handlers and the
 * HTTP app (Connect services, the Mesos v1 HTTP API, the v0 endpoints) in memory, from injected
 * dependencies. No socket and no loop: `app.request()` or an in-memory Connect transport reaches
 * it, a ManualClock drives it. startMaster (master.ts) adds the listener and the loops.
 */
import { create } from "@bufbuild/protobuf";
import {
  type Clock,
  createIdSequence,
  createLogger,
  createLoggingLevel,
  formatDuration,
  type Logger,
  Metrics,
  MESOS_VERSION,
  newUuid,
  Resources,
  systemClock,
} from "@mesos/core";
import { type MasterInfo, MasterInfo_Capability_Type, MasterInfoSchema } from "@mesos/proto";
import { type ConnectApi, createAttachedRoots, createFileService, type LinkAcceptor } from "@mesos/rpc";
import type { Hono } from "hono";
import { openAgentLinkSession } from "./agents/agent-link-session.ts";
import { AgentRegistry } from "./agents/agent-registry.ts";
import { AcknowledgedUpdates } from "./tasks/acknowledged-updates.ts";
import type { Allocator, AllocatorOptions } from "./allocator/allocator.ts";
import { createHierarchicalAllocator } from "./allocator/hierarchical-allocator.ts";
import { createEventQueue } from "./metrics/event-queue.ts";
import { createAttachTurns } from "./agents/attach-turns.ts";
import { registerMasterMetrics } from "./metrics/master-metrics.ts";
import type { MasterContext } from "./context.ts";
import { type MasterFlags, masterLogFile } from "./flags.ts";
import { advertisedHostname } from "./hostname.ts";
import { FrameworkBook } from "./frameworks/framework-book.ts";
import { createMasterApp } from "./http/app.ts";
import { agentMachine } from "./maintenance/machine-id.ts";
import { MaintenanceBook } from "./maintenance/maintenance-book.ts";
import { createAllocationLoop, pausedForRecovery } from "./offers/allocation-loop.ts";
import { makeOffers } from "./offers/make-offers.ts";
import { InverseOfferBook } from "./offers/inverse-offer-book.ts";
import { makeInverseOffers } from "./offers/make-inverse-offers.ts";
import { OfferBook } from "./offers/offer-book.ts";
import { diskOperationSource } from "./operations/apply-operation.ts";
import { OperationBook } from "./operations/operation-book.ts";
import { ExecutorBook } from "./executors/executor-book.ts";
import { OperatorEventBus } from "./operator/operator-event-bus.ts";
import { agentView, frameworkView } from "./operator/views.ts";
import { RoleSettings } from "./quota/role-settings.ts";
import { waitingBatches } from "./read-model/batched-reads.ts";
import { MasterProjection } from "./read-model/master-projection.ts";
import type { RegistryStore } from "./registry/registry-store.ts";
import { TaskLedger } from "./tasks/task-ledger.ts";

/** Who leads. Today a master leads alone; leader election plugs in here. */
export interface Leadership {
  /** The leading master, or undefined while none is known; `self` is this master's info. */
  leader(self: MasterInfo): MasterInfo | undefined;
}

export const leadingAlone: Leadership = { leader: (self) => self };

export interface MasterDeps {
  flags: MasterFlags;
  /** The flags as given (text), for /flags and GET_FLAGS. */
  effectiveFlags?: Record<string, string>;
  clock?: Clock;
  log?: Logger;
  /** An open registry (openSqliteRegistry(":memory:") in tests); whoever opened it closes it. */
  registry: RegistryStore;
  /**
   * Whether the registry outlives this process (default true): the acknowledged updates are then
   * written to it. An in-memory registry (--registry=in_memory) is gone with the process.
   */
  durableRegistry?: boolean;
  /** Default: the hierarchical DRF allocator configured by the flags. */
  allocator?: Allocator;
  leadership?: Leadership;
  /** The port the master is reached on, when it differs from --port (port 0 bound to a free port). */
  port?: number;
}

export interface Master {
  ctx: MasterContext;
  /** Every endpoint: Connect services, `/api/v1`, `/api/v1/scheduler`, the v0 endpoints. */
  app: Hono;
  /** The Connect services with their interceptors (for an in-memory transport: createInMemoryTransport). */
  connect: ConnectApi;
  /** Takes an agent's link (a WebSocket upgrade at AGENT_LINK_PATH; in tests, inMemoryDialer). */
  acceptAgentLink: LinkAcceptor;
  /** Runs an allocation cycle now (the loops are not running in a master built in memory). */
  allocateNow(): void;
  /** Starts allocating every --allocation_interval and the agents' re-registration deadline. */
  startLoops(): void;
  /** Ends every stream, loop and timer. */
  stop(): void;
}

/** The allocator's options from the master's flags. */
export function allocatorOptions(flags: MasterFlags, clock: Clock): AllocatorOptions {
  return {
    clock,
    allocationIntervalMs: flags.allocation_interval,
    minAllocatable: flags.min_allocatable_resources,
    roleSorter: flags.user_sorter ?? flags.role_sorter,
    frameworkSorter: flags.framework_sorter,
    fairSharingExcludedResourceNames: flags.fair_sharing_excluded_resource_names,
    filterGpuResources: flags.filter_gpu_resources,
  };
}

/** MasterInfo.ip is the IPv4 address as a uint32 in network byte order, read as a little-endian host int. */
function ipToUint32(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return 0;
  return (parts[0]! | (parts[1]! << 8) | (parts[2]! << 16) | (parts[3]! << 24)) >>> 0;
}

async function masterInfo(flags: MasterFlags, port: number): Promise<MasterInfo> {
  const advertisedIp = flags.advertise_ip ?? flags.ip;
  const advertisedPort = flags.advertise_port ?? port;
  const hostname = await advertisedHostname(flags, advertisedIp);
  return create(MasterInfoSchema, {
    id: newUuid(),
    ip: ipToUint32(advertisedIp),
    port: advertisedPort,
    pid: `master@${advertisedIp}:${advertisedPort}`,
    hostname,
    // Mesos reports MESOS_VERSION here; tools parse it as a semantic version.
    version: MESOS_VERSION,
    address: { hostname, ip: advertisedIp, port: advertisedPort },
    // Mesos 1.8's MASTER_CAPABILITIES().
    capabilities: [{ type: MasterInfo_Capability_Type.AGENT_UPDATE }],
  });
}

/** What tasks use on an agent plus what pending CREATE_DISK/DESTROY_DISK operations hold, per framework. */
function withPendingOperations(used: Map<string, Resources>, pending: Map<string, Resources>): Map<string, Resources> {
  for (const [frameworkId, resources] of pending) used.set(frameworkId, (used.get(frameworkId) ?? Resources.EMPTY).plus(resources));
  return used;
}

/** Mesos attaches the master's log as `/master/log` when it has one. */
function attachedLog(flags: MasterFlags): Record<string, string> {
  const file = masterLogFile(flags);
  return file ? { "/master/log": file } : {};
}

export async function createMaster(deps: MasterDeps): Promise<Master> {
  const { flags, registry } = deps;
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? createLogger({ name: "master", level: "info" });
  const allocator = deps.allocator ?? createHierarchicalAllocator(allocatorOptions(flags, clock));
  const leadership = deps.leadership ?? leadingAlone;
  const info = await masterInfo(flags, deps.port ?? flags.port);
  const stored = await registry.load();
  const metrics = new Metrics();
  const events = new OperatorEventBus({ maxSubscribers: flags.max_operator_event_stream_subscribers, log });
  // The owners reach each other (and the read model) only through these late-bound callbacks.
  let ctx!: MasterContext;
  const triggerAllocation = (agentId?: string) => loop.trigger(agentId);
  const project = () => new MasterProjection(ctx);

  const acknowledged = new AcknowledgedUpdates({
    store: deps.durableRegistry === false ? undefined : registry,
    log,
    // Rows of agents gone (or no longer in the registry) have no agent left to resend them.
    recovered: stored.acknowledged.filter((a) => ["admitted", "unreachable"].includes(stored.agents.get(a.agentId)?.state ?? "gone")),
  });
  const tasks = new TaskLedger({
    clock,
    metrics,
    maxCompletedPerFramework: flags.max_completed_tasks_per_framework,
    allocator,
    events,
    acknowledged,
    triggerAllocation,
  });
  const operations = new OperationBook((id) => ctx.frameworks.has(id));
  const executors = new ExecutorBook({ allocator, triggerAllocation });
  const frameworks = new FrameworkBook({
    clock,
    maxCompleted: flags.max_completed_frameworks,
    allocator,
    events,
    describe: (f) => frameworkView(project().framework(f)),
    forgotten: (id) => tasks.forgetFramework(id),
  });
  const maintenance = new MaintenanceBook({ store: registry, recovered: stored.maintenance });
  const agents = new AgentRegistry({
    store: registry,
    recovered: stored.agents,
    clock,
    allocator,
    events,
    usedOn: (id) =>
      withPendingOperations(
        withPendingOperations(tasks.usedOn(id), executors.usedOn(id)),
        operations.pendingUseOn(id, (op) => diskOperationSource(op.info!)),
      ),
    // No machine in maintenance (the usual case): nothing to look up (an agent's machine parses its endpoint).
    unavailability: (a) => (maintenance.size === 0 ? undefined : maintenance.unavailability(agentMachine(a))),
    describe: (a) => agentView(project().agent(a)),
  });
  const offers = new OfferBook({ clock, metrics, offerTimeoutMs: flags.offer_timeout, allocator, framework: (id) => frameworks.get(id) });
  const inverseOffers = new InverseOfferBook({ clock, offerTimeoutMs: flags.offer_timeout, allocator, framework: (id) => frameworks.get(id) });
  const roles = new RoleSettings({ store: registry, allocator, quotas: stored.quotas, weights: stored.weights });
  const startTime = clock.now();
  const loop = createAllocationLoop({
    clock,
    metrics,
    intervalMs: flags.allocation_interval,
    allocate: (only) => allocator.allocate(only),
    offer: (allocations) => {
      makeOffers(ctx, allocations);
      // Mesos's deallocate() runs in the same cycle, after the allocation.
      makeInverseOffers(ctx, allocator.deallocate());
    },
    paused: () =>
      pausedForRecovery({
        now: clock.now(),
        startTime,
        quotaRoles: roles.quotas().size,
        expected: agents.admittedAtStart,
        back: (id) => agents.has(id),
      }),
  });

  ctx = {
    loggingLevel: createLoggingLevel({ log, clock }),
    flags,
    effectiveFlags: deps.effectiveFlags ?? {},
    info,
    clock,
    log,
    metrics,
    files: createFileService(createAttachedRoots(() => attachedLog(flags))),
    startTime,
    frameworks,
    agents,
    tasks,
    executors,
    offers,
    inverseOffers,
    operations,
    roles,
    maintenance,
    operatorEvents: events,
    leader: () => leadership.leader(info),
    newFrameworkId: createIdSequence(`${info.id}-`, 0, 4),
    newAgentId: createIdSequence(`${info.id}-S`),
    newOfferId: createIdSequence(`${info.id}-O`),
    triggerAllocation,
  };
  const queue = createEventQueue();
  const attachTurns = createAttachTurns();
  registerMasterMetrics(ctx, allocator, {
    ...queue,
    messages: () => queue.messages() + attachTurns.queued,
    dispatches: () => waitingBatches(ctx) + (loop.due() ? 1 : 0),
  });
  const { app, connect } = createMasterApp(ctx, queue);

  let deadline: { cancel(): void } | undefined;
  return {
    ctx,
    app,
    connect,
    acceptAgentLink: (toAgent) => openAgentLinkSession(ctx, toAgent, queue, attachTurns),
    allocateNow: () => loop.runNow(),
    startLoops() {
      loop.start();
      deadline ??= scheduleReregistrationDeadline(ctx);
    },
    stop() {
      loop.stop();
      deadline?.cancel();
      for (const f of frameworks.values()) f.closeSubscription();
      events.closeAll();
      for (const a of agents.values()) {
        a.pingTimer?.cancel();
        a.link?.messages.close();
      }
    },
  };
}

/**
 * After a master restart, agents from the registry have --agent_reregister_timeout to come back;
 * the ones that do not are marked unreachable (their tasks were never known to this master).
 */
function scheduleReregistrationDeadline(ctx: MasterContext): { cancel(): void } | undefined {
  if (ctx.agents.admittedAtStart.size === 0) return undefined;
  return ctx.clock.setTimeout(() => {
    ctx.agents
      .expireRecovered()
      .then((ids) => {
        for (const id of ids)
          ctx.log.warn(
            `Agent ${id} did not reregister within ${formatDuration(ctx.flags.agent_reregister_timeout)} after master failover; marking it unreachable`,
          );
      })
      .catch((e) => ctx.log.error(`Failed to mark agents unreachable: ${(e as Error).message}`));
  }, ctx.flags.agent_reregister_timeout);
}
