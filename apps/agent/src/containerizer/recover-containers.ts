/**
 * Containers after an agent restart. The ones the agent keeps are reattached: a live init is
 * watched again (its exit polled: it is no longer the agent's child) and the isolators recover it
 * with the config it was prepared with; one that ended while the agent was down is collected now.
 * Everything else, in the checkpoints or only in the runtime directory, is an orphan: its
 * processes are killed, the isolators hear of it in `recover` and clean it up.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { create, fromBinary } from "@bufbuild/protobuf";
import { type Clock, type Logger, errorMessage } from "@mesos/core";
import { type IsolatorChain, parseContainerId } from "@mesos/plugin-api";
import type { ContainerID } from "@mesos/proto";
import { isolator as api } from "@mesos/proto";
import type { AgentStore, CheckpointedContainer } from "../state/agent-store.ts";
import type { Container } from "./containerizer.ts";
import type { LaunchInfo } from "./launch-info.ts";
import type { Launcher } from "./launcher.ts";
import { isAlive, waitForExit } from "./process-watch.ts";
import { readInitPid, readLaunchInfo, runtimePaths } from "./runtime-files.ts";

export interface RecoveryDeps {
  store: AgentStore;
  clock: Clock;
  log: Logger;
  isolators: IsolatorChain;
  launcher: Launcher;
  runtimeDir: string;
  track(id: ContainerID, record: CheckpointedContainer, config: api.ContainerConfig): Container;
  startWatching(c: Container): void;
  onInitExit(c: Container, exitSignal?: number | string | null): Promise<void>;
  /** Aborted when the containerizer stops (exit polling stops with it). */
  stopping: AbortSignal;
}

export async function recoverContainers(
  deps: RecoveryDeps,
  keep: readonly CheckpointedContainer[],
  orphaned: readonly CheckpointedContainer[],
): Promise<void> {
  const { store, clock, log, isolators: chain, launcher, track, startWatching, onInitExit } = deps;
  const states: api.ContainerState[] = [];
  const alive: Container[] = [];
  const dead: Container[] = [];
  for (const record of keep) {
    const id = parseContainerId(record.id);
    const config = record.config
      ? fromBinary(api.ContainerConfigSchema, record.config)
      : create(api.ContainerConfigSchema, { containerId: id, directory: record.sandbox });
    const c = track(id, record, config);
    try {
      c.info = readLaunchInfo(runtimePaths(record.runtimeDir).launchInfo);
    } catch {}
    const pid = readInitPid(record.runtimeDir) ?? record.helperPid;
    if (pid > 0 && isAlive(pid)) {
      c.initPid = pid;
      c.state = "running";
      alive.push(c);
      states.push(create(api.ContainerStateSchema, { containerId: id, pid, config }));
    } else {
      dead.push(c);
    }
  }
  const orphans = [...orphaned];
  const known = new Set([...keep, ...orphaned].map((r) => r.id));
  for (const dir of listRuntimeContainers(deps.runtimeDir)) {
    if (!known.has(dir)) {
      orphans.push({
        id: dir,
        frameworkId: "",
        executorId: "",
        sandbox: "",
        runtimeDir: join(deps.runtimeDir, "containers", dir),
        helperPid: 0,
        launchedAt: 0,
        config: null,
      });
    }
  }
  for (const o of orphans) {
    const pid = readInitPid(o.runtimeDir) ?? o.helperPid;
    if (pid > 0 && isAlive(pid)) {
      let info: LaunchInfo | undefined;
      try {
        info = readLaunchInfo(runtimePaths(o.runtimeDir).launchInfo);
      } catch {}
      launcher.destroy(pid, info ?? { launcher: launcher.kind });
      await waitForExit(pid, clock, 20);
    }
  }
  await chain.recover(
    states,
    orphans.map((o) => parseContainerId(o.id)),
  );
  for (const o of orphans) {
    await chain.cleanup(parseContainerId(o.id)).catch((e) => log.warn(errorMessage(e)));
    store.removeContainer(o.id);
    rmSync(o.runtimeDir, { recursive: true, force: true });
    log.info(`Destroyed orphan container ${o.id}`);
  }
  for (const c of alive) {
    startWatching(c);
    waitForExit(c.initPid!, clock, 200, deps.stopping).then(() => onInitExit(c));
    log.info(`Recovered container ${c.key} (init ${c.initPid})`);
  }
  for (const c of dead) {
    void onInitExit(c);
    log.info(`Recovered container ${c.key}, which ended while the agent was down`);
  }
}

function listRuntimeContainers(runtimeDir: string): string[] {
  try {
    return readdirSync(join(runtimeDir, "containers"));
  } catch {
    return [];
  }
}
