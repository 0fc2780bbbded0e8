/**
 * The containerizer of a hollow agent (the idea of Kubernetes' kubemark): it implements the agent's
 * `Containerizer` interface and runs no process. A container "runs" from `launch` until its command's
 * time is up (`sleep N` runs N seconds; any other command `defaultDurationMs`, or until killed when
 * that is undefined) or until the agent kills or destroys it; it then exits 0 (or with the signal).
 * Everything else is the real agent: registration, status updates and their checkpoints, kills,
 * task groups, operations. Nothing survives an agent restart (`recover` keeps no container).
 */
import { create } from "@bufbuild/protobuf";
import type { ContainerConfig, Containerizer, ContainerState, ContainerTermination, LaunchRequest } from "@mesos/agent";
import { type Clock, conflict, failedPrecondition, notFound, systemClock, type TimerHandle } from "@mesos/core";
import { containerIdString } from "@mesos/plugin-api";
import { ContainerStatusSchema, isolator as api, ResourceStatisticsSchema } from "@mesos/proto";

export interface HollowContainerizerOptions {
  clock?: Clock;
  /** How long a command other than `sleep N` runs (default: until killed). */
  defaultDurationMs?: number;
}

interface HollowContainer {
  request: LaunchRequest;
  state: ContainerState;
  timer?: TimerHandle;
  exited: Promise<ContainerTermination>;
  end(t: ContainerTermination): void;
}

const SLEEP = /^\s*sleep\s+(\d+(?:\.\d+)?)\s*$/;
const KILLED: ContainerTermination["termination"] = { waitStatus: 9, signal: 9 };

/** How long a command runs: `sleep N` for N seconds; undefined runs until killed. */
function durationOf(request: LaunchRequest, fallback: number | undefined): number | undefined {
  if (!request.command) return undefined; // a task group's executor: it lives as long as its tasks
  const m = SLEEP.exec(request.command.argv.at(-1) ?? "") ?? SLEEP.exec(request.command.argv.join(" "));
  return m ? Number(m[1]) * 1000 : fallback;
}

export function createHollowContainerizer(options: HollowContainerizerOptions = {}): Containerizer {
  const clock = options.clock ?? systemClock;
  const containers = new Map<string, HollowContainer>();
  /** How many of them are nested (`parent.child`). */
  let nested = 0;

  const known = (key: string) => {
    const c = containers.get(key);
    if (!c) throw notFound(`Unknown container ${key}`);
    return c;
  };
  const end = (key: string, termination: ContainerTermination["termination"], destroyed: boolean) => {
    const c = containers.get(key);
    if (!c || c.state === "terminated") return;
    c.timer?.cancel();
    // Nested containers (a task group's) end with their parent; a command task's container has none.
    if (nested > 0) for (const [child, x] of containers) if (x.state !== "terminated" && child.startsWith(`${key}.`)) end(child, KILLED, true);
    c.state = "terminated";
    c.end({ termination, destroyed });
  };

  return {
    async recover(keep) {
      keep([]);
    },
    async launch(request) {
      const key = containerIdString(request.containerId);
      if (containers.has(key)) throw conflict(`Container ${key} already exists`);
      let resolve!: (t: ContainerTermination) => void;
      const exited = new Promise<ContainerTermination>((r) => (resolve = r));
      const container: HollowContainer = { request, state: "running", exited, end: resolve };
      containers.set(key, container);
      if (key.includes(".")) nested++;
      const ms = durationOf(request, options.defaultDurationMs);
      if (ms !== undefined) container.timer = clock.setTimeout(() => end(key, { waitStatus: 0, exitCode: 0 }, false), ms);
    },
    wait: async (key) => known(key).exited,
    async destroy(key) {
      end(key, KILLED, true);
      return known(key).exited;
    },
    signal(key, signal) {
      const c = containers.get(key);
      if (!c || c.state === "terminated") return false;
      if (signal === "SIGKILL") end(key, KILLED, true);
      else if (signal === "SIGTERM" || signal === "SIGINT") end(key, { waitStatus: 15, signal: 15 }, false);
      return true;
    },
    remove(key) {
      const c = containers.get(key);
      if (c && c.state !== "terminated") throw failedPrecondition(`Container ${key} is still running`);
      if (containers.delete(key) && key.includes(".")) nested--;
    },
    keys: () => [...containers.keys()],
    state: (key) => containers.get(key)?.state,
    config(key): ContainerConfig | undefined {
      const r = containers.get(key)?.request;
      if (!r) return undefined;
      return create(api.ContainerConfigSchema, {
        containerId: r.containerId,
        frameworkId: r.frameworkId ? { value: r.frameworkId } : undefined,
        executorId: r.executorId ? { value: r.executorId } : undefined,
        taskIds: (r.taskIds ?? []).map((value) => ({ value })),
        resources: r.resources,
        directory: r.sandbox,
      });
    },
    status: async (key) => create(ContainerStatusSchema, { containerId: known(key).request.containerId }),
    usage: async (key) => (known(key), create(ResourceStatisticsSchema, { timestamp: clock.now() / 1000 })),
    io: () => undefined,
    stop() {
      for (const c of containers.values()) c.timer?.cancel();
    },
  };
}
