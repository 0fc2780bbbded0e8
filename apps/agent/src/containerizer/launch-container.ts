/**
 * Launching one container, the pipeline of DESIGN.md §5: checkpoint, isolators prepare (merged),
 * the launch description written, the init started by the launcher, isolators isolate its pid,
 * "go", the helper's handshake (the task runs, or why it does not), isolators watch. A failure
 * before the init exists ends the container at once; after, the init records how it ended.
 */
import { chownSync, closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { type Clock, type Logger, conflict, errorMessage, failedPrecondition, notFound } from "@mesos/core";
import { containerIdString, type IsolatorChain } from "@mesos/plugin-api";
import type { ContainerID } from "@mesos/proto";
import { isolator as api } from "@mesos/proto";
import type { AgentStore, CheckpointedContainer } from "../state/agent-store.ts";
import type { Container, ContainerTermination, LaunchRequest } from "./containerizer.ts";
import { buildLaunchInfo } from "./launch-builder.ts";
import type { InitProcess, Launcher } from "./launcher.ts";
import { readFirstLine } from "./read-line.ts";
import { runtimePaths, writeAtomically, writeLaunchInfo } from "./runtime-files.ts";
import { launchFailure } from "./termination.ts";

export interface LaunchDeps {
  store: AgentStore;
  clock: Clock;
  log: Logger;
  isolators: IsolatorChain;
  launcher: Launcher;
  runtimeDir: string;
  sandboxDirectory: string;
  launchTimeoutMs: number;
  containers: ReadonlyMap<string, Container>;
  track(id: ContainerID, record: CheckpointedContainer, config: api.ContainerConfig): Container;
  destroy(key: string): Promise<ContainerTermination>;
  onInitExit(c: Container, exitSignal?: number | string | null): Promise<void>;
  startWatching(c: Container): void;
}

/** Resolves once the task runs; rejects (with the step that failed) if it does not. */
export async function launchContainer(deps: LaunchDeps, req: LaunchRequest): Promise<void> {
  const { store, clock, log, isolators: chain, launcher, containers, track, destroy, onInitExit, startWatching } = deps;
  const key = containerIdString(req.containerId);
  if (containers.has(key)) throw conflict(`Container ${key} already exists`);
  const parent = req.containerId.parent ? containers.get(containerIdString(req.containerId.parent)) : undefined;
  if (req.containerId.parent) {
    if (!parent) throw notFound(`Parent container ${containerIdString(req.containerId.parent)} of ${key} is unknown`);
    if (parent.state !== "running" || !parent.initPid || !parent.info) {
      throw failedPrecondition(`Parent container ${parent.key} of ${key} is not running (${parent.state})`);
    }
  }
  const runtimeDir = join(deps.runtimeDir, "containers", key);
  // The runtime dir holds the task's environment (launch.json) and the switchboard's socket.
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  mkdirSync(req.sandbox, { recursive: true });
  // The task's user owns its sandbox, as in Mesos (DEBUG containers share their parent's).
  const user = req.command?.user;
  if (user && !req.debug) chownSync(req.sandbox, user.uid, user.gid);
  const config = create(api.ContainerConfigSchema, {
    containerId: req.containerId,
    containerClass: req.debug ? api.ContainerClass.DEBUG : api.ContainerClass.DEFAULT,
    frameworkId: req.frameworkId ? { value: req.frameworkId } : undefined,
    executorId: req.executorId ? { value: req.executorId } : undefined,
    taskIds: (req.taskIds ?? []).map((value) => ({ value })),
    resources: req.resources,
    commandInfo: req.commandInfo,
    containerInfo: req.containerInfo,
    user: req.user,
    directory: req.sandbox,
  });
  const record: CheckpointedContainer = {
    id: key,
    frameworkId: req.frameworkId ?? "",
    executorId: req.executorId ?? "",
    sandbox: req.sandbox,
    runtimeDir,
    helperPid: 0,
    launchedAt: clock.now(),
    config: Buffer.from(toBinary(api.ContainerConfigSchema, config)),
  };
  store.saveContainer(record);
  const c = track(req.containerId, record, config);

  // The init boots (a Bun process: several milliseconds) while the isolators prepare; it waits for
  // the launch description until the agent's "go".
  const path = runtimePaths(runtimeDir).launchInfo;
  const abort = (init: InitProcess, why: string) => {
    init.stdin.write(`abort ${why.replace(/\n/g, " ")}\n`);
    init.stdin.end();
  };
  try {
    const stderr = openSync(runtimePaths(runtimeDir).helperLog, "a");
    let init: InitProcess;
    try {
      init = launcher.fork(parent ? { joinPid: parent.initPid! } : {}, path, stderr);
    } finally {
      closeSync(stderr);
    }
    c.init = init;
    c.initPid = init.pid;
    writeAtomically(runtimePaths(runtimeDir).pid, String(init.pid));
    store.setHelperPid(key, init.pid);
    init.exited.then(() => onInitExit(c, init.signalCode ?? init.exitCode));

    try {
      const merged = await chain.prepare(config);
      c.info = buildLaunchInfo({
        containerId: key,
        runtimeDir,
        launcher: launcher.kind,
        sandbox: req.sandbox,
        outputDir: req.debug ? runtimeDir : req.sandbox,
        sandboxDirectory: deps.sandboxDirectory,
        debug: req.debug ?? false,
        containerInfo: req.containerInfo,
        command: req.command,
        merged,
        parent: parent ? { initPid: parent.initPid!, info: parent.info! } : undefined,
      });
      writeLaunchInfo(c.info);
      if (c.destroyRequested) throw new Error("the container was destroyed while it was being prepared");
    } catch (e) {
      abort(init, errorMessage(e));
      throw e;
    }

    c.state = "isolating";
    try {
      await chain.isolate(c.id, init.pid);
      if (c.destroyRequested) throw new Error("the container was destroyed while it was being isolated");
    } catch (e) {
      abort(init, errorMessage(e));
      throw e;
    }
    init.stdin.write("go\n");
    init.stdin.end();
    const line = await readFirstLine(init.stdout, deps.launchTimeoutMs);
    if (line === undefined) {
      void destroy(key);
      throw new Error(`the launch helper did not report the task's start within ${deps.launchTimeoutMs} ms`);
    }
    let handshake: { pid?: number; error?: string };
    try {
      handshake = JSON.parse(line);
    } catch {
      throw new Error(`the launch helper answered '${line}'`);
    }
    if (handshake.error) throw new Error(handshake.error);
    if (c.state === "isolating") c.state = "running";
    log.debug(`Container ${key} started task pid ${handshake.pid} (init ${init.pid})`);
    startWatching(c);
  } catch (e) {
    if (!c.initPid) {
      // Nothing was started: the container ends here.
      c.destroyRequested = true;
      writeAtomically(runtimePaths(runtimeDir).termination, JSON.stringify(launchFailure(errorMessage(e))));
      void onInitExit(c);
    }
    throw e;
  }
}
