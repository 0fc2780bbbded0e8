/**
 * When allocation cycles run: every --allocation_interval once started, and soon after events that
 * free or add resources (a framework subscribes, an agent registers, resources come back). Requests
 * made while a cycle is already pending merge into it. Before `start` (a master built in memory for
 * a test) only `runNow` allocates.
 */
import type { Clock, Metrics, TimerHandle } from "@mesos/core";
import type { Allocation } from "../allocator/allocator.ts";

const RECOVERY_FRACTION = 0.8;
const RECOVERY_MAX_MS = 10 * 60_000;

export interface AllocationLoopDeps {
  clock: Clock;
  metrics: Metrics;
  intervalMs: number;
  allocate(): Allocation[];
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

  function runCycle(): void {
    pending?.cancel();
    pending = undefined;
    if (deps.paused()) return;
    const started = performance.now();
    deps.offer(deps.allocate());
    deps.metrics.increment("allocator/mesos/allocation_runs");
    deps.metrics.increment("allocator/mesos/allocation_run_ms", performance.now() - started);
  }

  function schedulePeriodic(): void {
    periodic = deps.clock.setTimeout(() => {
      if (!running) return;
      runCycle();
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
    trigger(): void {
      if (!running || pending) return;
      pending = deps.clock.setTimeout(runCycle, 0);
    },
    /** Runs a cycle now (tests drive cycles this way with a manual clock). */
    runNow: runCycle,
  };
}
