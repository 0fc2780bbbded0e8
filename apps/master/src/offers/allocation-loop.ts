/**
 * When allocation cycles run: every --allocation_interval, and soon after events that free or add
 * resources (a framework subscribes, an agent registers, resources come back). Requests made while
 * a cycle is already pending merge into it.
 */
import type { TimerHandle } from "@mesos/core";
import type { MasterContext } from "../context.ts";
import { makeOffers } from "./make-offers.ts";

export function createAllocationLoop(getContext: () => MasterContext) {
  let pending: TimerHandle | undefined;
  let periodic: TimerHandle | undefined;
  let running = false;
  let cycles = 0;

  function runCycle(): void {
    const ctx = getContext();
    pending?.cancel();
    pending = undefined;
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
