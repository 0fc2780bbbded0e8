/**
 * Building and running a master: registry, allocator, state, HTTP server. `startMaster` is what
 * `mesos master` and `mesos local` call; tests call it in-process with a manual clock.
 */
import { serveLateBound } from "@mesos/rpc";
import { create } from "@bufbuild/protobuf";
import { type Clock, createIdSequence, createLogger, type Logger, newUuid, systemClock, VERSION_TEXT } from "@mesos/core";
import { type MasterInfo, MasterInfoSchema } from "@mesos/proto";
import { join } from "node:path";
import type { Allocator, AllocatorOptions } from "./allocator/allocator.ts";
import type { MasterContext } from "./context.ts";
import type { MasterFlags } from "./flags.ts";
import { createMasterApp } from "./http/app.ts";
import { Metrics } from "./metrics.ts";
import { createAllocationLoop } from "./offers/allocation-loop.ts";
import { OfferBook } from "./offers/offer-book.ts";
import { OperatorEventBus } from "./operator/operator-event-bus.ts";
import { createRegistry } from "./registry/registry.ts";
import type { RoleQuota } from "./quota/quota-config.ts";

export interface MasterOptions {
  flags: MasterFlags;
  effectiveFlags?: Record<string, string>;
  clock?: Clock;
  log?: Logger;
  createAllocator: (options: AllocatorOptions) => Allocator;
  /** Who leads (default: this master). A seam for leader election; `self` is this master's info. */
  leader?: (self: MasterInfo) => MasterInfo | undefined;
}

export interface RunningMaster {
  ctx: MasterContext;
  /** `http://ip:port` */
  url: string;
  port: number;
  /** Runs an allocation cycle now (tests with a manual clock). */
  allocateNow(): void;
  stop(): Promise<void>;
}

/** MasterInfo.ip is the IPv4 address as a uint32 in network byte order, read as a little-endian host int. */
function ipToUint32(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return 0;
  return (parts[0]! | (parts[1]! << 8) | (parts[2]! << 16) | (parts[3]! << 24)) >>> 0;
}

export async function startMaster(options: MasterOptions): Promise<RunningMaster> {
  const { flags } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger({ name: "master", level: "info" });
  const registry = createRegistry(flags.registry === "in_memory" ? ":memory:" : join(flags.work_dir!, "registry.db"));
  const id = newUuid();
  const registeredAgents = registry.agents();
  const metrics = new Metrics();
  const allocator = options.createAllocator({
    clock,
    allocationIntervalMs: flags.allocation_interval,
    minAllocatable: flags.min_allocatable_resources,
    roleSorter: flags.user_sorter ?? flags.role_sorter,
    frameworkSorter: flags.framework_sorter,
    fairSharingExcludedResourceNames: flags.fair_sharing_excluded_resource_names,
    filterGpuResources: flags.filter_gpu_resources,
  });
  allocator.updateWeights(registry.weights());
  const quotas = new Map<string, RoleQuota>();
  for (const q of registry.quotas()) {
    const stored: RoleQuota = {
      role: q.role,
      guarantees: new Map(Object.entries(q.guarantees)),
      limits: new Map(Object.entries(q.limits)),
      principal: q.principal,
    };
    quotas.set(q.role, stored);
    allocator.updateQuota(q.role, { guarantees: stored.guarantees, limits: stored.limits });
  }

  let ctx!: MasterContext;
  const loop = createAllocationLoop(() => ctx);
  const http = serveLateBound({ hostname: flags.ip, port: flags.port, name: "Master" });
  const port = http.port;
  const advertisedIp = flags.advertise_ip ?? flags.ip;
  const advertisedPort = flags.advertise_port ?? port;
  const hostname = flags.hostname ?? advertisedIp;
  const info = create(MasterInfoSchema, {
    id,
    ip: ipToUint32(advertisedIp),
    port: advertisedPort,
    pid: `master@${advertisedIp}:${advertisedPort}`,
    hostname,
    version: VERSION_TEXT,
    address: { hostname, ip: advertisedIp, port: advertisedPort },
  });

  ctx = {
    flags,
    effectiveFlags: options.effectiveFlags ?? {},
    info,
    clock,
    log,
    registry,
    allocator,
    metrics,
    startTime: clock.now(),
    frameworks: new Map(),
    completedFrameworks: [],
    agents: new Map(),
    registeredAgents,
    offers: new OfferBook(),
    recoveredAgentIds: new Set([...registeredAgents].filter(([, a]) => a.state === "admitted").map(([id]) => id)),
    quotas,
    operatorEvents: new OperatorEventBus({ maxSubscribers: flags.max_operator_event_stream_subscribers, log }),
    leader: () => (options.leader ? options.leader(info) : info),
    newFrameworkId: createIdSequence(`${id}-`, 0, 4),
    newAgentId: createIdSequence(`${id}-S`),
    newOfferId: createIdSequence(`${id}-O`),
    triggerAllocation: () => loop.trigger(),
  };
  http.attach(createMasterApp(ctx).fetch);
  registerGauges(ctx);
  scheduleReregistrationDeadline(ctx);
  loop.start();
  log.info(`Master ${id} listening on http://${flags.ip}:${port} (${VERSION_TEXT}); ${registeredAgents.size} agents in the registry`);

  return {
    ctx,
    url: `http://${flags.ip}:${port}`,
    port,
    allocateNow: () => loop.runNow(),
    async stop() {
      loop.stop();
      for (const f of ctx.frameworks.values()) f.closeSubscription();
      ctx.operatorEvents.closeAll();
      for (const a of ctx.agents.values()) {
        a.pingTimer?.cancel();
        a.link?.messages.close();
      }
      await http.server.stop(true);
      registry.close();
    },
  };
}

function registerGauges(ctx: MasterContext): void {
  const m = ctx.metrics;
  m.gauge("master/elected", () => 1);
  m.gauge("master/uptime_secs", () => (ctx.clock.now() - ctx.startTime) / 1000);
  m.gauge("master/slaves_connected", () => [...ctx.agents.values()].filter((a) => a.connected).length);
  m.gauge("master/slaves_disconnected", () => [...ctx.agents.values()].filter((a) => !a.connected).length);
  m.gauge("master/frameworks_connected", () => [...ctx.frameworks.values()].filter((f) => f.connected).length);
  m.gauge("master/frameworks_disconnected", () => [...ctx.frameworks.values()].filter((f) => !f.connected).length);
  m.gauge("master/outstanding_offers", () => ctx.offers.size);
}

/**
 * After a master restart, agents from the registry have --agent_reregister_timeout to come back;
 * the ones that do not are marked unreachable (their tasks were never known to this master).
 */
function scheduleReregistrationDeadline(ctx: MasterContext): void {
  const waiting = [...ctx.registeredAgents].filter(([, a]) => a.state === "admitted").map(([id]) => id);
  if (waiting.length === 0) return;
  ctx.clock.setTimeout(() => {
    for (const id of waiting) {
      const entry = ctx.registeredAgents.get(id);
      if (ctx.agents.has(id) || entry?.state !== "admitted") continue;
      const now = ctx.clock.now();
      ctx.log.warn(`Agent ${id} did not re-register within ${ctx.flags.agent_reregister_timeout} ms; marking it unreachable`);
      ctx.registry.setAgent(id, entry.info, "unreachable", now);
      ctx.registeredAgents.set(id, { ...entry, state: "unreachable", changedAt: now });
    }
  }, ctx.flags.agent_reregister_timeout);
}
