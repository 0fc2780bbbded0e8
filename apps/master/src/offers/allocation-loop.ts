/**
 * When allocation cycles run: every --allocation_interval once started (over every agent), and
 * soon after events that free or add resources (a framework subscribes, an agent registers,
 * resources come back). Requests made while a cycle is already pending merge into it; a cycle
 * triggered only by changes on some agents visits only those (on a large cluster with tasks ending
 * all the time, a cycle over every agent per event would be most of the master's work). Before
 * `start` (a master built in memory for a test) only `runNow` allocates.
 */
import type { Clock, Metrics, TimerHandle } from "@mesos/core";
import type { Allocation } from "../allocator/allocator.ts";

const RECOVERY_FRACTION = 0.8;
const RECOVERY_MAX_MS = 10 * 60_000;

export interface AllocationLoopDeps {
  clock: Clock;
  metrics: Metrics;
  intervalMs: number;
  /** Every agent, or only `agents`. */
  allocate(agents?: Iterable<string>): Allocation[];
  /** Turns a cycle's allocations into offers. */
  offer(allocations: readonly Allocation[]): void;
  /** Whether allocation waits (see pausedForRecovery). */
  paused(): boolean;
}

/**
 * After a master failover with quota set, Mesos holds allocation until 80% of the agents it knew
 * have re-registered (or 10 minutes pass), so quota is not satisfied from a partial view.
 */
export function pausedForRecovery(state: {
  now: number;
  startTime: number;
  quotaRoles: number;
  expected: ReadonlySet<string>;
  back: (agentId: string) => boolean;
}): boolean {
  if (state.quotaRoles === 0 || state.expected.size === 0) return false;
  if (state.now - state.startTime >= RECOVERY_MAX_MS) return false;
  let back = 0;
  for (const id of state.expected) if (state.back(id)) back++;
  return back < RECOVERY_FRACTION * state.expected.size;
}

export function createAllocationLoop(deps: AllocationLoopDeps) {
  let pending: TimerHandle | undefined;
  let periodic: TimerHandle | undefined;
  let running = false;
  /** The agents changed since the last cycle; undefined when the next one must visit them all. */
  let candidates: Set<string> | undefined = new Set();

  function runCycle(full = true): void {
    pending?.cancel();
    pending = undefined;
    if (deps.paused()) return;
    const only = full ? undefined : candidates;
    candidates = new Set();
    const started = performance.now();
    deps.offer(deps.allocate(only));
    deps.metrics.increment("allocator/mesos/allocation_runs");
    deps.metrics.observe("allocator/mesos/allocation_run_ms", performance.now() - started);
  }

  function schedulePeriodic(): void {
    periodic = deps.clock.setTimeout(() => {
      if (!running) return;
      runCycle(true);
      schedulePeriodic();
    }, deps.intervalMs);
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      schedulePeriodic();
    },
    stop(): void {
      running = false;
      periodic?.cancel();
      pending?.cancel();
    },
    /**
     * A cycle soon: over `agentId` only when that agent is all that changed (its resources came
     * back, it registered), as Mesos's allocate(slaveId); over every agent otherwise.
     */
    trigger(agentId?: string): void {
      if (!running) return;
      if (agentId === undefined) candidates = undefined;
      else candidates?.add(agentId);
      pending ??= deps.clock.setTimeout(() => runCycle(candidates === undefined), 0);
    },
    /** Whether a cycle is due (triggered, not run yet). */
    due: () => pending !== undefined,
    /** Runs a full cycle now (tests drive cycles this way with a manual clock). */
    runNow: () => runCycle(true),
  };
}
