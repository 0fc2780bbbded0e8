/**
 * When allocation cycles run: every --allocation_interval, and soon after events that free or add
 * resources (a framework subscribes, an agent registers, resources come back). Requests made while
 * a cycle is already pending merge into it.
 */
import type { TimerHandle } from "@mesos/core";
import type { MasterContext } from "../context.ts";
import { makeOffers } from "./make-offers.ts";

const RECOVERY_FRACTION = 0.8;
const RECOVERY_MAX_MS = 10 * 60_000;

/**
 * After a master failover with quota set, Mesos holds allocation until 80% of the agents it knew
 * have re-registered (or 10 minutes pass), so quota is not satisfied from a partial view.
 */
export function pausedForRecovery(ctx: MasterContext): boolean {
  const expected = ctx.recoveredAgentIds.size;
  if (ctx.quotas.size === 0 || expected === 0) return false;
  if (ctx.clock.now() - ctx.startTime >= RECOVERY_MAX_MS) return false;
  let back = 0;
  for (const id of ctx.recoveredAgentIds) if (ctx.agents.has(id)) back++;
  return back < RECOVERY_FRACTION * expected;
}

export function createAllocationLoop(getContext: () => MasterContext) {
  let pending: TimerHandle | undefined;
  let periodic: TimerHandle | undefined;
  let running = false;
  let cycles = 0;

  function runCycle(): void {
    const ctx = getContext();
    pending?.cancel();
    pending = undefined;
    if (pausedForRecovery(ctx)) return;
    cycles++;
    const started = performance.now();
    makeOffers(ctx, ctx.allocator.allocate());
    ctx.metrics.increment("allocator/mesos/allocation_runs");
    ctx.metrics.increment("allocator/mesos/allocation_run_ms", performance.now() - started);
  }

  function schedulePeriodic(): void {
    const ctx = getContext();
    periodic = ctx.clock.setTimeout(() => {
      if (!running) return;
      runCycle();
      schedulePeriodic();
    }, ctx.flags.allocation_interval);
  }

  return {
    start(): void {
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
      pending = getContext().clock.setTimeout(runCycle, 0);
    },
    /** Runs a cycle now (tests drive cycles this way with a manual clock). */
    runNow: runCycle,
    get cycles(): number {
      return cycles;
    },
  };
}
