/**
 * The Mesos containerizer: the agent's containers (container.ts), their checkpoints and runtime
 * directories (`<runtime_dir>/containers/<key>`), the isolator chain and the launcher. It owns the
 * map of containers: only it adds and removes them, and links nested containers to their parent.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { create, fromBinary } from "@bufbuild/protobuf";
import { type Clock, conflict, errorMessage, failedPrecondition, type Logger, notFound } from "@mesos/core";
import type { Provisioner } from "@mesos/images";
import { containerIdString, type IsolatorChain, parentKey, parseContainerId } from "@mesos/plugin-api";
import { isolator as api } from "@mesos/proto";
import { readInitPid, readLaunchInfoIn } from "../launch-protocol/runtime-files.ts";
import type { AgentStore, CheckpointedContainer } from "../state/agent-store.ts";
import { Container, type ContainerDeps, containerConfig } from "./container.ts";
import type { CheckpointedContainerInfo, Containerizer, ContainerTermination } from "./containerizer.ts";
import { createLauncher } from "./launcher.ts";
import { createPrestartedInit } from "./prestarted-init.ts";
import { isAlive, waitForExit } from "./process-watch.ts";
import { removeTree } from "./remove-tree.ts";

interface MesosContainerizerOptions {
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
  /** Root filesystems from images (`--image_providers`). */
  provisioner?: Provisioner;
}

export function createMesosContainerizer(options: MesosContainerizerOptions): Containerizer {
  const { store, log, isolators: chain } = options;
  const containersDir = join(options.runtimeDir, "containers");
  const stopping = new AbortController();
  const launcher = createLauncher(options.launcher, options.launchHelperCommand);
  const prestarted = createPrestartedInit(launcher, log);
  const deps: ContainerDeps = { ...options, launcher, prestarted, stopping: stopping.signal };
  const containers = new Map<string, Container>();

  const known = (key: string): Container => {
    const c = containers.get(key);
    if (!c) throw notFound(`Unknown container ${key}`);
    return c;
  };

  function remove(key: string): void {
    const c = containers.get(key);
    if (c && c.state !== "terminated") throw failedPrecondition(`Container ${key} is still running`);
    if (c) {
      // Nested containers go with their parent (they died with it; some may still be noticing).
      for (const child of c.children) {
        if (child.state === "terminated") remove(child.key);
        else child.exited.then(() => remove(child.key));
      }
      c.parent?.children.delete(c);
    }
    containers.delete(key);
    store.removeContainer(key);
    if (c) removeTree(c.runtimeDir);
  }

  return {
    async launch(req) {
      const key = containerIdString(req.containerId);
      if (containers.has(key)) throw conflict(`Container ${key} already exists`);
      let parent: Container | undefined;
      if (req.containerId.parent) {
        const pkey = containerIdString(req.containerId.parent);
        parent = containers.get(pkey);
        if (!parent) throw notFound(`Parent container ${pkey} of ${key} is unknown`);
        if (parent.state !== "running" || !parent.initPid || !parent.info) {
          throw failedPrecondition(`Parent container ${pkey} of ${key} is not running (${parent.state})`);
        }
      }
      const c = new Container(deps, req.containerId, containerConfig(req), join(containersDir, key), parent);
      containers.set(key, c);
      try {
        await c.launch(req);
      } finally {
        // The next root container's helper boots after this launch rather than during it, and
        // after its answer has gone out: a spawn holds this thread until the child has exec'd.
        if (!parent) setImmediate(() => prestarted.refill());
      }
    },

    destroy: async (key) => known(key).destroy(),
    wait: async (key): Promise<ContainerTermination> => known(key).exited,
    signal: (key, signal) => containers.get(key)?.signal(signal) ?? false,
    remove,
    keys: () => [...containers.keys()],
    state: (key) => containers.get(key)?.state,
    config: (key) => containers.get(key)?.config,
    status: async (key) => known(key).status(),
    usage: async (key) => known(key).usage(),
    io: (key) => containers.get(key)?.io(),
    metrics: () => chain.metrics(),

    stop() {
      stopping.abort();
      prestarted.stop();
      for (const c of containers.values()) c.release();
    },

    /**
     * The checkpointed containers `keep` picks are reattached; everything else found in the
     * checkpoints or only in the runtime directory is an orphan: its processes are killed, the
     * isolators hear of it in `recover` and clean it up.
     */
    async recover(keep) {
      const records = store.containers();
      const found = records.map(checkpointedInfo);
      const wanted = keep(found);
      // Parents first (a parent's key is a prefix of its children's).
      const kept = found.filter((f) => wanted.has(f.key)).sort((a, b) => a.key.length - b.key.length);
      const states: api.ContainerState[] = [];
      const recovered: Container[] = [];
      for (const { key, config } of kept) {
        const pkey = parentKey(key);
        const c = new Container(deps, parseContainerId(key), config, join(containersDir, key), pkey ? containers.get(pkey) : undefined);
        containers.set(key, c);
        recovered.push(c);
        const state = c.recover();
        if (state) states.push(state);
      }
      const orphans = [...records.map((r) => r.id).filter((key) => !wanted.has(key)), ...unrecordedRuntimeDirs(records)];
      for (const key of orphans) await killOrphan(join(containersDir, key));
      await chain.recover(
        states,
        orphans.map((key) => parseContainerId(key)),
      );
      for (const key of orphans) {
        await chain.cleanup(parseContainerId(key)).catch((e) => log.warn(errorMessage(e)));
        store.removeContainer(key);
        removeTree(join(containersDir, key));
        log.info(`Destroyed orphan container ${key}`);
      }
      // Rootfses of recovered containers stay (still mounted); the rest (orphans, launches cut short) go.
      await options.provisioner?.recover(kept.map((k) => k.key));
      for (const c of recovered) c.resume();
    },
  };

  function unrecordedRuntimeDirs(records: readonly CheckpointedContainer[]): string[] {
    const recorded = new Set(records.map((r) => r.id));
    try {
      return readdirSync(containersDir).filter((key) => !recorded.has(key));
    } catch {
      return [];
    }
  }

  async function killOrphan(runtimeDir: string): Promise<void> {
    const pid = readInitPid(runtimeDir);
    if (pid === undefined || !isAlive(pid)) return;
    launcher.destroy(pid, readLaunchInfoIn(runtimeDir) ?? { launcher: launcher.kind });
    await waitForExit(pid, options.clock, 20);
  }
}

/** A checkpoint as the agent's recovery sees it; the config it was prepared with (or what the record says, for old ones). */
function checkpointedInfo(record: CheckpointedContainer): CheckpointedContainerInfo {
  const config = record.config
    ? fromBinary(api.ContainerConfigSchema, record.config)
    : create(api.ContainerConfigSchema, {
        containerId: parseContainerId(record.id),
        directory: record.sandbox,
        frameworkId: record.frameworkId ? { value: record.frameworkId } : undefined,
        executorId: record.executorId ? { value: record.executorId } : undefined,
      });
  return { key: record.id, config };
}
