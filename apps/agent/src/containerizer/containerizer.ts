/**
 * The Mesos containerizer: the agent's container pipeline (DESIGN.md §5).
 *
 *   checkpoint -> isolators prepare (in order) -> merge -> start the init (launcher) ->
 *   isolators isolate(pid) -> "go" -> the helper builds the container and execs the task ->
 *   isolators watch -> on exit or destroy: isolators cleanup (reverse order).
 *
 * Containers outlive the agent: the init is detached and records how the task ended in the
 * container's runtime directory; a restarted agent recovers them (recover). Nested containers
 * (`parent.child`) join their parent's namespaces and die with it.
 */
import { type Clock, type Logger, errorMessage, failedPrecondition, notFound } from "@mesos/core";
import { containerIdString, type IsolatorChain, type Limitation } from "@mesos/plugin-api";
import type { CommandInfo, ContainerID, ContainerInfo, ContainerStatus, Resource, ResourceStatistics, isolator as api } from "@mesos/proto";
import type { AgentStore, CheckpointedContainer } from "../state/agent-store.ts";
import { launchContainer } from "./launch-container.ts";
import type { LaunchCommand, LaunchInfo } from "./launch-info.ts";
import { createLauncher, type InitProcess } from "./launcher.ts";
import { readTermination, removeTree } from "./runtime-files.ts";
import { recoverContainers } from "./recover-containers.ts";
import { launchFailure, type Termination } from "./termination.ts";

export interface ContainerizerOptions {
  store: AgentStore;
  clock: Clock;
  log: Logger;
  /** How to run this binary again, e.g. [process.execPath] when compiled. */
  launchHelperCommand: string[];
  launcher: "linux" | "posix";
  isolators: IsolatorChain;
  runtimeDir: string;
  /** Where a container with a rootfs sees its sandbox. */
  sandboxDirectory: string;
  /** How long the helper may take to start the task before the launch is failed. */
  launchTimeoutMs: number;
}

export interface LaunchRequest {
  containerId: ContainerID;
  debug?: boolean;
  frameworkId?: string;
  executorId?: string;
  taskIds?: string[];
  sandbox: string;
  resources: Resource[];
  commandInfo?: CommandInfo;
  containerInfo?: ContainerInfo;
  user?: string;
  /** What to run; absent: a container that only holds namespaces (a task group's executor). */
  command?: Omit<LaunchCommand, "workingDirectory"> & { workingDirectory?: string };
}

export interface ContainerTermination {
  termination: Termination;
  /** The limitation that ended it (or that an isolator saw when it ended). */
  limitation?: Limitation;
  /** The agent destroyed it (a kill, a limitation, a failed launch). */
  destroyed: boolean;
}

export type ContainerState = "preparing" | "isolating" | "running" | "destroying" | "terminated";

export interface Container {
  id: ContainerID;
  key: string;
  record: CheckpointedContainer;
  config: api.ContainerConfig;
  state: ContainerState;
  info?: LaunchInfo;
  initPid?: number;
  init?: InitProcess;
  destroyRequested: boolean;
  limitation?: Limitation;
  watchAbort: AbortController;
  watching?: Promise<Limitation | undefined>;
  exited: Promise<ContainerTermination>;
  resolve(t: ContainerTermination): void;
  result?: ContainerTermination;
}

export function createContainerizer(options: ContainerizerOptions) {
  const { store, clock, log, isolators: chain } = options;
  const launcher = createLauncher(options.launcher, options.launchHelperCommand);
  const containers = new Map<string, Container>();
  let stopped = false;
  const stopping = new AbortController();

  function track(id: ContainerID, record: CheckpointedContainer, config: api.ContainerConfig): Container {
    let resolve!: (t: ContainerTermination) => void;
    const exited = new Promise<ContainerTermination>((r) => (resolve = r));
    const c: Container = {
      id,
      key: record.id,
      record,
      config,
      state: "preparing",
      destroyRequested: false,
      watchAbort: new AbortController(),
      exited,
      resolve,
    };
    containers.set(c.key, c);
    return c;
  }

  const childrenOf = (c: Container) => [...containers.values()].filter((x) => x.id.parent && containerIdString(x.id.parent) === c.key);

  function startWatching(c: Container): void {
    c.watching = chain.watch(c.id, c.watchAbort.signal);
    c.watching.then((l) => {
      if (!l || c.state === "terminated") return;
      c.limitation ??= l;
      if (!c.watchAbort.signal.aborted) {
        log.info(`Container ${c.key} reached a limitation (${l.isolator}): ${l.limitation.message.split("\n")[0]}`);
        void destroy(c.key);
      }
    });
  }

  /** The init is gone: collect the termination, the isolators' last word, clean up. */
  async function onInitExit(c: Container, exitSignal?: number | string | null): Promise<void> {
    // Once stopped, the next agent deals with it (it recovers the container as ended).
    if (c.state === "terminated" || stopped) return;
    const recorded = readTermination(c.record.runtimeDir);
    let termination: Termination;
    if (recorded) termination = recorded;
    else if (c.destroyRequested || c.state === "running") {
      // Killed with its init (a destroy, or someone SIGKILLed the container's PID 1).
      termination = { waitStatus: 9, signal: 9 };
    } else termination = launchFailure(`the container's launch helper exited${exitSignal ? ` (${exitSignal})` : ""} before it started the task`);
    c.watchAbort.abort();
    if (c.watching) {
      // The isolators' last word, but do not wait forever for a watcher that does not give it.
      let timer: { cancel(): void } | undefined;
      const giveUp = new Promise<undefined>((resolve) => (timer = clock.setTimeout(() => resolve(undefined), options.launchTimeoutMs)));
      c.limitation ??= await Promise.race([c.watching, giveUp]);
      timer?.cancel();
    }
    try {
      await chain.cleanup(c.id);
    } catch (e) {
      log.warn(errorMessage(e));
    }
    c.state = "terminated";
    c.result = { termination, limitation: c.limitation, destroyed: c.destroyRequested };
    if (!stopped) c.resolve(c.result);
  }

  async function destroy(key: string): Promise<ContainerTermination> {
    const c = containers.get(key);
    if (!c) throw notFound(`Unknown container ${key}`);
    if (c.state === "terminated") return c.exited;
    c.destroyRequested = true;
    await Promise.all(childrenOf(c).map((child) => destroy(child.key).catch(() => undefined)));
    if (c.initPid && c.state !== "destroying") {
      c.state = "destroying";
      launcher.destroy(c.initPid, c.info ?? { launcher: options.launcher, join: c.id.parent ? { pid: 0, namespaces: [] } : undefined });
    }
    return c.exited;
  }

  const launch = (req: LaunchRequest) => launchContainer({ ...options, launcher, containers, track, destroy, onInitExit, startWatching }, req);

  return {
    launch,
    destroy,

    /** Resolves when the container has ended (never, once this containerizer is stopped). */
    wait(key: string): Promise<ContainerTermination> {
      const c = containers.get(key);
      if (!c) return Promise.reject(notFound(`Unknown container ${key}`));
      return c.exited;
    },

    /** Sends a signal to the task (the init forwards it to the task's process group); SIGKILL destroys. */
    signal(key: string, signal: NodeJS.Signals): boolean {
      const c = containers.get(key);
      if (!c?.initPid || c.state === "terminated") return false;
      if (signal === "SIGKILL") {
        void destroy(key);
        return true;
      }
      try {
        process.kill(c.initPid, signal);
        return true;
      } catch {
        return false;
      }
    },

    /**
     * Stops watching containers without touching them: they keep running and the next agent
     * recovers them, as after a crash.
     */
    stop(): void {
      stopped = true;
      stopping.abort();
      for (const c of containers.values()) {
        // Let the agent's process exit while its containers run on.
        c.init?.unref();
        c.watchAbort.abort();
      }
    },

    /**
     * After an agent restart: reattaches to the checkpointed containers in `keep` (the isolators
     * recover them with the config they were prepared with); everything else found in the
     * checkpoints or the runtime directory is an orphan: destroyed, then cleaned up.
     */
    recover: (keep: readonly CheckpointedContainer[], orphaned: readonly CheckpointedContainer[]) =>
      recoverContainers({ ...options, launcher, track, startWatching, onInitExit, stopping: stopping.signal }, keep, orphaned),

    /** Forgets an ended container: its checkpoint and runtime directory (the sandbox stays). */
    remove(key: string): void {
      const c = containers.get(key);
      if (c && c.state !== "terminated") throw failedPrecondition(`Container ${key} is still running`);
      // Nested containers go with their parent (they died with it; some may still be noticing).
      if (c) {
        for (const child of childrenOf(c)) {
          if (child.state === "terminated") this.remove(child.key);
          else child.exited.then(() => this.remove(child.key));
        }
      }
      containers.delete(key);
      store.removeContainer(key);
      if (c) removeTree(c.record.runtimeDir);
    },

    has: (key: string) => containers.has(key),
    state: (key: string) => containers.get(key)?.state,
    /** The termination of an ended container still known. */
    termination: (key: string) => containers.get(key)?.result,
    info: (key: string) => containers.get(key)?.info,
    initPid: (key: string) => containers.get(key)?.initPid,
    runtimeDir: (key: string) => containers.get(key)?.record.runtimeDir,
    config: (key: string) => containers.get(key)?.config,
    keys: () => [...containers.keys()],
    records: () => [...containers.values()].map((c) => c.record),

    async usage(key: string): Promise<ResourceStatistics> {
      const c = containers.get(key);
      if (!c) throw notFound(`Unknown container ${key}`);
      return chain.usage(c.id);
    },
    async status(key: string): Promise<ContainerStatus> {
      const c = containers.get(key);
      if (!c) throw notFound(`Unknown container ${key}`);
      const status = await chain.status(c.id);
      if (c.initPid) status.executorPid = c.initPid;
      return status;
    },
    /** The isolators' own gauges (e.g. disk/xfs's project ids), for /metrics/snapshot. */
    metrics: () => chain.metrics(),
    async update(key: string, resources: Resource[]): Promise<void> {
      const c = containers.get(key);
      if (!c) throw notFound(`Unknown container ${key}`);
      await chain.update(c.id, resources);
    },
  };
}

export type Containerizer = ReturnType<typeof createContainerizer>;
