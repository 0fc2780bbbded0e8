/**
 * The agent's metrics under Mesos 1.8's names (src/slave/metrics.cpp and the containerizer's),
 * registered once in its registry: state read when the registry is read (tasks by state,
 * executors, frameworks, resources total/used/percent), counters incremented where things happen
 * (terminal task states, status updates, launch and destroy errors), and the resource providers' own.
 */
import { isTerminalState, type Metrics } from "@mesos/core";
import { TaskState } from "@mesos/proto";
import type { AgentContext } from "./context.ts";
import { summarize } from "./projection/summaries.ts";

const GAUGED_TASK_STATES = ["staging", "starting", "running", "killing"];
const COUNTED_TASK_STATES = ["finished", "failed", "killed", "lost", "gone"];
const RESOURCES = ["cpus", "mem", "disk", "gpus"];
const COUNTERS = [
  "slave/valid_status_updates",
  "slave/invalid_status_updates",
  "slave/valid_framework_messages",
  "slave/invalid_framework_messages",
  "slave/executors_terminated",
  "slave/container_launch_errors",
  "slave/recovery_errors",
  "containerizer/mesos/container_destroy_errors",
];

/** The counter a task's terminal state increments (`slave/tasks_finished`), if Mesos has one. */
export function terminalTaskCounter(state: TaskState): string | undefined {
  const name = TaskState[state]!.slice("TASK_".length).toLowerCase();
  return COUNTED_TASK_STATES.includes(name) ? `slave/tasks_${name}` : undefined;
}

export function registerAgentMetrics(ctx: AgentContext, m: Metrics): void {
  m.gauge("slave/uptime_secs", () => (ctx.clock.now() - ctx.startTime) / 1000, "Seconds since the agent started");
  m.gauge("slave/registered", () => (ctx.info.id?.value ? 1 : 0), "1 once the agent registered with a master");
  m.gauge("slave/frameworks_active", () => ctx.frameworks.size, "Frameworks with tasks on the agent");
  for (const state of COUNTED_TASK_STATES) m.counter(`slave/tasks_${state}`, `Tasks that reached TASK_${state.toUpperCase()}`);
  for (const name of COUNTERS) m.counter(name);
  m.source(() => {
    const s = summarize(ctx);
    const out: Record<string, number> = {};
    for (const state of GAUGED_TASK_STATES) out[`slave/tasks_${state}`] = 0;
    for (const { live } of s.tasks) {
      const key = `slave/tasks_${TaskState[live.state]!.slice("TASK_".length).toLowerCase()}`;
      if (key in out) out[key]!++;
    }
    // An executor runs while one of its tasks has not ended; the agent has no separate registering phase.
    out["slave/executors_running"] = s.executors.filter((e) => e.tasks.some((t) => !isTerminalState(t.live.state))).length;
    out["slave/executors_terminating"] = s.executors.filter((e) => e.tasks.every((t) => isTerminalState(t.live.state))).length;
    out["slave/executors_registering"] = 0;
    for (const name of RESOURCES) {
      const total = ctx.total.scalar(name);
      out[`slave/${name}_total`] = total;
      out[`slave/${name}_used`] = s.used.scalar(name);
      out[`slave/${name}_percent`] = total === 0 ? 0 : s.used.scalar(name) / total;
    }
    return out;
  });
  // The resource providers' own (resource_providers/<type>.<name>/...).
  m.source(() => ctx.resourceProviders.metrics());
}
