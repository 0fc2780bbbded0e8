/**
 * The containerizer: launches containers through the launch helper (`mesos __launch`), waits for
 * them, signals them, and reattaches to them after an agent restart. Containers outlive the agent:
 * the helper is detached and records how the task ended in the container's runtime directory.
 */
import { mkdirSync, openSync, closeSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Clock, type Logger } from "@mesos/core";
import type { AgentStore, CheckpointedContainer } from "../state/agent-store.ts";
import type { LaunchInfo, Termination } from "./launch-info.ts";
import { isAlive, waitForExit } from "./process-watch.ts";
import { readTaskPid, readTermination, writeLaunchInfo } from "./runtime-files.ts";

export interface ContainerizerOptions {
  store: AgentStore;
  clock: Clock;
  log: Logger;
  /** How to run this binary again, e.g. [process.execPath] when compiled. */
  launchHelperCommand: string[];
  /** How long the helper may take to start the task before the launch is failed. */
  launchTimeoutMs?: number;
}

export interface LaunchRequest {
  containerId: string;
  frameworkId: string;
  executorId: string;
  sandbox: string;
  runtimeDir: string;
  launch: Omit<LaunchInfo, "containerId" | "runtimeDirectory">;
}

interface Running {
  record: CheckpointedContainer;
  exited: Promise<Termination>;
}

export function createContainerizer(options: ContainerizerOptions) {
  const { store, clock, log } = options;
  const running = new Map<string, Running>();
  let stopped = false;

  function terminationOf(record: CheckpointedContainer): Termination {
    return (
      readTermination(record.runtimeDir) ?? {
        waitStatus: 9,
        signal: 9,
        launchError: "the container's launch helper exited without recording the task's end",
      }
    );
  }

  /** After the helper is gone, no process of the container may survive (its process group). */
  function reapGroup(record: CheckpointedContainer): void {
    const pid = readTaskPid(record.runtimeDir);
    if (pid && isAlive(pid)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {}
    }
  }

  return {
    /** Starts a container; resolves once the task process runs, rejects if it could not start. */
    async launch(req: LaunchRequest): Promise<void> {
      mkdirSync(req.runtimeDir, { recursive: true });
      mkdirSync(req.sandbox, { recursive: true });
      const info: LaunchInfo = { ...req.launch, containerId: req.containerId, runtimeDirectory: req.runtimeDir };
      const launchInfoPath = writeLaunchInfo(info);
      const record: CheckpointedContainer = {
        id: req.containerId,
        frameworkId: req.frameworkId,
        executorId: req.executorId,
        sandbox: req.sandbox,
        runtimeDir: req.runtimeDir,
        helperPid: 0,
        launchedAt: clock.now(),
      };
      store.saveContainer(record);

      const helperLog = openSync(join(req.runtimeDir, "helper.log"), "a");
      const helper = Bun.spawn([...options.launchHelperCommand, "__launch", `--launch_info=${launchInfoPath}`], {
        stdio: ["ignore", "pipe", helperLog],
        detached: true,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      });
      closeSync(helperLog);
      record.helperPid = helper.pid;
      store.setHelperPid(req.containerId, helper.pid);
      const exited = helper.exited.then(() => terminationOf(record));
      exited.then(() => reapGroup(record));
      running.set(req.containerId, { record, exited });

      const handshake = await readFirstLine(helper.stdout, options.launchTimeoutMs ?? 30_000);
      if (handshake === undefined) {
        helper.kill("SIGKILL");
        throw new Error("the launch helper did not report the task's start in time");
      }
      let parsed: { pid?: number; error?: string };
      try {
        parsed = JSON.parse(handshake);
      } catch {
        throw new Error(`the launch helper answered '${handshake}'`);
      }
      if (parsed.error) throw new Error(parsed.error);
      log.debug(`Container ${req.containerId} started task pid ${parsed.pid} (helper ${helper.pid})`);
    },

    /** Resolves when the container has ended (never, once this containerizer is stopped). */
    wait(containerId: string): Promise<Termination> {
      const c = running.get(containerId);
      if (!c) return Promise.reject(new Error(`Unknown container ${containerId}`));
      return c.exited.then((t) => (stopped ? new Promise<Termination>(() => {}) : t));
    },

    /**
     * Stops watching containers without touching them: they keep running and the next agent
     * recovers them, as after a crash.
     */
    stop(): void {
      stopped = true;
    },

    /** Sends a signal to the container's task and everything it started (its process group). */
    signal(containerId: string, signal: NodeJS.Signals): boolean {
      const c = running.get(containerId);
      const pid = c ? readTaskPid(c.record.runtimeDir) : undefined;
      if (!pid) return false;
      try {
        process.kill(-pid, signal);
        return true;
      } catch {
        return false;
      }
    },

    /** Reattaches to checkpointed containers; ones whose helper is gone resolve at once. */
    recover(records: CheckpointedContainer[]): void {
      for (const record of records) {
        const alive = record.helperPid > 0 && isAlive(record.helperPid);
        const exited = alive ? waitForExit(record.helperPid, clock).then(() => terminationOf(record)) : Promise.resolve(terminationOf(record));
        exited.then(() => reapGroup(record));
        running.set(record.id, { record, exited });
        log.info(`Recovered container ${record.id} (${alive ? "running" : "already exited"})`);
      }
    },

    /** Kills whatever is left of a checkpointed container that is not being recovered. */
    destroyOrphan(record: CheckpointedContainer): void {
      if (record.helperPid > 0 && isAlive(record.helperPid)) {
        try {
          process.kill(record.helperPid, "SIGKILL");
        } catch {}
      }
      reapGroup(record);
      store.removeContainer(record.id);
      rmSync(record.runtimeDir, { recursive: true, force: true });
    },

    /** Forgets an ended container (its sandbox stays for the framework to read). */
    cleanup(containerId: string): void {
      const c = running.get(containerId);
      running.delete(containerId);
      store.removeContainer(containerId);
      if (c) rmSync(c.record.runtimeDir, { recursive: true, force: true });
    },

    containers(): CheckpointedContainer[] {
      return [...running.values()].map((c) => c.record);
    },
  };
}

export type Containerizer = ReturnType<typeof createContainerizer>;

async function readFirstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string | undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs));
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk === undefined) return undefined;
      if (chunk.done) return text.trim() === "" ? "" : text.trim();
      text += decoder.decode(chunk.value, { stream: true });
      const nl = text.indexOf("\n");
      if (nl !== -1) return text.slice(0, nl);
    }
  } finally {
    reader.releaseLock();
  }
}
