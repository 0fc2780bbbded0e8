/**
 * The master's metrics under Mesos 1.8's names (src/master/metrics.cpp), registered once in its
 * registry. Counters are incremented where things happen (status updates, calls, registrations);
 * what is a state of the master is read from its owners when the registry is read: agents,
 * frameworks, tasks by state, resources total/used/percent, operations by type and state, and the
 * allocator's numbers. Task counts and resources come from the read model (one projection per read).
 */
import type { Resources } from "@mesos/core";
import { Offer_Operation_Type, OperationState, TaskState } from "@mesos/proto";
import type { Allocator } from "../allocator/allocator.ts";
import type { MasterContext } from "../context.ts";
import type { EventQueue } from "./event-queue.ts";
import { activeTaskCounts, frameworkMetrics } from "./framework-metrics.ts";

/** The sizes of the master's queue (event-queue.ts), dispatches included. */
export type EventQueueSizes = Pick<EventQueue, "messages" | "httpRequests"> & { dispatches(): number };
import { MasterProjection } from "../read-model/master-projection.ts";

/** The task states Mesos keeps a gauge of (the rest are counters, counted by the TaskLedger). */
const GAUGED_TASK_STATES = ["staging", "starting", "running", "killing", "unreachable"];
const COUNTED_TASK_STATES = ["finished", "failed", "killed", "lost", "error", "dropped", "gone", "gone_by_operator"];
const RESOURCES = ["cpus", "mem", "disk", "gpus"];
const OPERATION_STATES = ["pending", "recovering", "finished", "failed", "error", "dropped", "gone_by_operator", "unreachable"];
/** Offer operation types that go through operation feedback (LAUNCH and LAUNCH_GROUP do not). */
const OPERATION_TYPES = ["reserve", "unreserve", "create", "destroy", "grow_volume", "shrink_volume", "create_disk", "destroy_disk"];

const MESSAGE_COUNTERS = [
  "messages_register_slave",
  "messages_reregister_slave",
  "messages_unregister_slave",
  "messages_status_update",
  "messages_status_update_acknowledgement",
  "valid_status_updates",
  "invalid_status_updates",
  "valid_status_update_acknowledgements",
  "invalid_status_update_acknowledgements",
  "valid_operation_status_update_acknowledgements",
  "invalid_operation_status_update_acknowledgements",
  "slave_registrations",
  "slave_reregistrations",
  "slave_removals",
  "slave_unreachable_completed",
  "dropped_messages",
  "messages_framework_to_executor",
  "valid_framework_to_executor_messages",
  "invalid_framework_to_executor_messages",
  "messages_executor_to_framework",
  "valid_executor_to_framework_messages",
  "invalid_executor_to_framework_messages",
];

export function registerMasterMetrics(ctx: MasterContext, allocator: Allocator, queue: EventQueueSizes): void {
  const m = ctx.metrics;
  const count = <T>(items: Iterable<T>, pick: (item: T) => boolean) => {
    let n = 0;
    for (const item of items) if (pick(item)) n++;
    return n;
  };
  m.gauge("master/elected", () => (ctx.leader()?.id === ctx.info.id ? 1 : 0), "1 if this master leads");
  m.gauge("master/uptime_secs", () => (ctx.clock.now() - ctx.startTime) / 1000, "Seconds since the master started");
  m.gauge("master/slaves_connected", () => count(ctx.agents.values(), (a) => a.connected), "Agents with an open link");
  m.gauge("master/slaves_disconnected", () => count(ctx.agents.values(), (a) => !a.connected), "Registered agents without a link");
  // As in Mesos, an agent is deactivated while it is disconnected.
  m.gauge("master/slaves_active", () => count(ctx.agents.values(), (a) => a.connected), "Registered agents that are active");
  m.gauge("master/slaves_inactive", () => count(ctx.agents.values(), (a) => !a.connected), "Registered agents deactivated (disconnected)");
  m.gauge("master/slaves_unreachable", () => count(ctx.agents.entries(), ([, a]) => a.state === "unreachable"), "Unreachable agents");
  m.gauge("master/frameworks_connected", () => count(ctx.frameworks.values(), (f) => f.connected), "Frameworks with an open event stream");
  m.gauge("master/frameworks_disconnected", () => count(ctx.frameworks.values(), (f) => !f.connected), "Frameworks without one");
  m.gauge("master/frameworks_active", () => count(ctx.frameworks.values(), (f) => f.active), "Frameworks that get offers");
  m.gauge("master/frameworks_inactive", () => count(ctx.frameworks.values(), (f) => !f.active), "Frameworks that do not");
  m.gauge("master/outstanding_offers", () => ctx.offers.size, "Offers sent and not yet used, declined or rescinded");
  m.gauge("master/operator_event_stream_subscribers", () => ctx.operatorEvents.size, "Open operator API SUBSCRIBE streams");
  for (const state of COUNTED_TASK_STATES) m.counter(`master/tasks_${state}`, `Tasks that reached TASK_${state.toUpperCase()}`);
  for (const name of MESSAGE_COUNTERS) m.counter(`master/${name}`);
  m.counter("allocator/mesos/allocation_runs", "Allocation cycles run");

  // What the master has accepted and not finished (metrics/event-queue.ts says what each counts).
  m.gauge("master/event_queue_messages", queue.messages, "Agent messages received and not yet handled");
  m.gauge("master/event_queue_http_requests", queue.httpRequests, "HTTP requests received and not yet answered");
  m.gauge("master/event_queue_dispatches", queue.dispatches, "Deferred work: state views waiting for their batch, a due allocation");

  // Task counts (the frameworks', framework-metrics.ts) and resources from the read model, as /state computes them.
  m.source(() => {
    const p = new MasterProjection(ctx);
    const out: Record<string, number> = {};
    const counts = new Map<TaskState, number>();
    for (const f of ctx.frameworks.values()) for (const [state, n] of activeTaskCounts(ctx, f)) counts.set(state, (counts.get(state) ?? 0) + n);
    for (const s of GAUGED_TASK_STATES) out[`master/tasks_${s}`] = counts.get(TaskState[`TASK_${s.toUpperCase()}` as keyof typeof TaskState]) ?? 0;
    // Scalar sums only (adding 10,000 agents' Resources bags made a snapshot cost 50-100 ms).
    const total = new Map<string, number>();
    const used = new Map<string, number>();
    for (const a of p.agents()) {
      addScalars(total, a.agent.total);
      addScalars(used, a.used);
    }
    for (const suffix of ["", "_revocable"]) {
      for (const name of RESOURCES) {
        const tv = (total.get(`${name}${suffix}`) ?? 0) / 1000;
        const uv = (used.get(`${name}${suffix}`) ?? 0) / 1000;
        out[`master/${name}${suffix}_total`] = tv;
        out[`master/${name}${suffix}_used`] = uv;
        out[`master/${name}${suffix}_percent`] = tv === 0 ? 0 : uv / tv;
      }
    }
    return out;
  });

  m.source(() => {
    const out: Record<string, number> = { "master/operations/total": 0 };
    for (const s of OPERATION_STATES) out[`master/operations/${s}`] = 0;
    for (const type of OPERATION_TYPES) {
      out[`master/operations/${type}/total`] = 0;
      for (const s of OPERATION_STATES) out[`master/operations/${type}/${s}`] = 0;
    }
    for (const a of ctx.agents.values()) {
      for (const op of ctx.operations.onAgent(a.id)) {
        const state = OperationState[op.latestStatus?.state ?? OperationState.OPERATION_PENDING]!.slice("OPERATION_".length).toLowerCase();
        const type = Offer_Operation_Type[op.info?.type ?? 0]!.toLowerCase();
        out["master/operations/total"]!++;
        if (!OPERATION_STATES.includes(state)) continue;
        out[`master/operations/${state}`]!++;
        if (OPERATION_TYPES.includes(type)) {
          out[`master/operations/${type}/total`]!++;
          out[`master/operations/${type}/${state}`]!++;
        }
      }
    }
    return out;
  });

  m.source(() => allocator.stats?.().metrics ?? {});
  m.source(() => frameworkMetrics(ctx));
  // Not Mesos's (libprocess has no such metric): what the master process holds, for capacity planning.
  m.gauge("process/memory_rss_bytes", () => process.memoryUsage.rss());
  m.gauge("process/js_heap_used_bytes", () => process.memoryUsage().heapUsed);
}

/** Adds the scalars of `resources` to `sums` in fixed point (as Resources.scalar), by name, `_revocable` apart. */
function addScalars(sums: Map<string, number>, resources: Resources): void {
  for (const r of resources) {
    if (!r.scalar) continue;
    const key = r.revocable === undefined ? r.name : `${r.name}_revocable`;
    sums.set(key, (sums.get(key) ?? 0) + Math.round(r.scalar.value * 1000));
  }
}
