/**
 * One container of the Mesos containerizer and its life cycle, the pipeline of DESIGN.md §5:
 *
 *   preparing   checkpointed; the init (the launch helper) starts booting while the isolators
 *               prepare (a root container takes one that booted ahead of it); their merged
 *               description is written to launch.json
 *   isolating   the isolators isolate the init's pid; then "go", and the helper starts the task
 *   running     the helper reported the task's pid; the isolators watch for limitations
 *   destroying  the agent killed the container's processes (a kill, a limitation, a failed launch)
 *   terminated  the init is gone: its termination is collected, the isolators cleaned up
 *
 * A container outlives the agent: the init is detached and records how the task ended in the
 * runtime directory, and a restarted agent recovers it (`recover`, then `resume`). Nested
 * containers join their parent's namespaces and are destroyed before it. A container with an image
 * has its root filesystem provisioned before anything else (Mesos: provision, then prepare); the
 * provisioner removes it once the container has ended.
 */
import { chownSync, closeSync, mkdirSync, openSync } from "node:fs";
import { create, toBinary } from "@bufbuild/protobuf";
import { type Clock, errorMessage, formatDuration, type Logger } from "@mesos/core";
import { type Provisioner, pullReporter } from "@mesos/images";
import { containerIdString, type IsolatorChain, type Limitation } from "@mesos/plugin-api";
import { type ContainerID, type ContainerStatus, type Image, Image_Type, isolator as api, type ResourceStatistics, Secret_Type } from "@mesos/proto";
import { abortLine, GO_LINE, parseStartReport, useLine } from "../launch-protocol/handshake.ts";
import type { LaunchInfo } from "../launch-protocol/launch-info.ts";
import {
  readInitPid,
  readLaunchInfoIn,
  readTermination,
  runtimePaths,
  writeInitPid,
  writeLaunchInfo,
  writeTermination,
} from "../launch-protocol/runtime-files.ts";
import { launchFailure, type Termination } from "../launch-protocol/termination.ts";
import type { AgentStore } from "../state/agent-store.ts";
import {
  type ContainerConfig,
  type ContainerIo,
  type ContainerState,
  type ContainerTermination,
  ImageProvisioningError,
  type LaunchRequest,
} from "./containerizer.ts";
import { attachInput, attachOutput } from "./io-client.ts";
import { buildLaunchInfo } from "./launch-builder.ts";
import type { InitProcess, Launcher } from "./launcher.ts";
import type { PrestartedInit } from "./prestarted-init.ts";
import { isAlive, waitForExit } from "./process-watch.ts";
import { readFirstLine } from "./read-line.ts";

export interface ContainerDeps {
  store: AgentStore;
  clock: Clock;
  log: Logger;
  isolators: IsolatorChain;
  launcher: Launcher;
  /** Where a container with a rootfs sees its sandbox. */
  sandboxDirectory: string;
  /** How long the helper may take to start the task before the launch is failed. */
  launchTimeoutMs: number;
  /** Aborted when the containerizer stops: containers are let go, for the next agent to recover. */
  stopping: AbortSignal;
  /** Root filesystems from images (`--image_providers`); absent: containers with an image fail. */
  provisioner?: Provisioner;
  /** A helper started ahead of the next root container, if the containerizer keeps one. */
  prestarted?: PrestartedInit;
}

/** The moves the life cycle allows (`running` straight from `preparing`: recovered after a restart). */
const NEXT: Record<ContainerState, readonly ContainerState[]> = {
  preparing: ["isolating", "running", "destroying", "terminated"],
  isolating: ["running", "destroying", "terminated"],
  running: ["destroying", "terminated"],
  destroying: ["terminated"],
  terminated: [],
};

/** What the isolators are told a container is, from the launch request. */
export function containerConfig(req: LaunchRequest): ContainerConfig {
  return create(api.ContainerConfigSchema, {
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
}

export class Container {
  readonly key: string;
  readonly children = new Set<Container>();
  /** Resolves once, when the container has ended (never, once the containerizer stops). */
  readonly exited: Promise<ContainerTermination>;
  #state: ContainerState = "preparing";
  #info?: LaunchInfo;
  #initPid?: number;
  #init?: InitProcess;
  #destroyRequested = false;
  /** The init is gone (or never was): the container is on its way to terminated. */
  #ending = false;
  #limitation?: Limitation;
  #watchAbort = new AbortController();
  #watching?: Promise<Limitation | undefined>;
  #resolve!: (t: ContainerTermination) => void;

  constructor(
    private readonly deps: ContainerDeps,
    readonly id: ContainerID,
    readonly config: ContainerConfig,
    readonly runtimeDir: string,
    readonly parent?: Container,
  ) {
    this.key = containerIdString(id);
    this.exited = new Promise((resolve) => (this.#resolve = resolve));
    parent?.children.add(this);
  }

  get state(): ContainerState {
    return this.#state;
  }

  /** The launch description: written at launch, read back at recovery. */
  get info(): LaunchInfo | undefined {
    return this.#info;
  }

  /** The init's pid: from the fork (kept in the runtime directory's `pid`), or read back from there after a restart. */
  get initPid(): number | undefined {
    return this.#initPid;
  }

  #moveTo(next: ContainerState): boolean {
    if (!NEXT[this.#state].includes(next)) return false;
    this.#state = next;
    return true;
  }

  /** Resolves once the task runs; rejects, naming the step that failed, if it does not (the container then ends). */
  async launch(req: LaunchRequest): Promise<void> {
    const { store, clock, log, isolators: chain, launcher } = this.deps;
    const paths = runtimePaths(this.runtimeDir);
    try {
      // The runtime dir holds the task's environment (launch.json) and the switchboard's socket.
      mkdirSync(this.runtimeDir, { recursive: true, mode: 0o700 });
      mkdirSync(req.sandbox, { recursive: true });
      // The task's user owns its sandbox, as in Mesos (DEBUG containers share their parent's).
      const user = req.command?.user;
      if (user && !req.debug) chownSync(req.sandbox, user.uid, user.gid);
      const image = req.containerInfo?.mesos?.image;
      if (image) await this.#provision(image, req);
      store.saveContainer({
        id: this.key,
        frameworkId: req.frameworkId ?? "",
        executorId: req.executorId ?? "",
        sandbox: req.sandbox,
        runtimeDir: this.runtimeDir,
        launchedAt: clock.now(),
        config: Buffer.from(toBinary(api.ContainerConfigSchema, this.config)),
      });

      // A root container takes the helper started ahead of it; otherwise the init boots (a Bun
      // process: several milliseconds) while the isolators prepare. It waits for the launch
      // description until the agent's "go".
      const init = this.#startInit(paths);
      this.#init = init;
      this.#initPid = init.pid;
      writeInitPid(this.runtimeDir, init.pid);
      init.exited.then(() => this.#onInitExit(init.signalCode ?? init.exitCode));
      const abort = (e: unknown) => {
        try {
          init.stdin.write(abortLine(errorMessage(e)));
          init.stdin.end();
        } catch {} // the init is gone already
        return e;
      };
      // Between the steps the container may have been destroyed, or its init may have died.
      const stillWanted = (step: string) => {
        if (this.#destroyRequested) throw new Error(`the container was destroyed while it was being ${step}`);
        if (this.#ending) throw new Error(`the container's launch helper exited while the container was being ${step}`);
      };

      try {
        const merged = await chain.prepare(this.config);
        const info = buildLaunchInfo({
          containerId: this.key,
          runtimeDir: this.runtimeDir,
          launcher: launcher.kind,
          sandbox: req.sandbox,
          outputDir: req.debug ? this.runtimeDir : req.sandbox,
          sandboxDirectory: this.deps.sandboxDirectory,
          debug: req.debug ?? false,
          containerInfo: req.containerInfo,
          command: req.command,
          merged,
          provisionedRootfs: this.config.rootfs,
          parent: this.parent ? { initPid: this.parent.initPid!, info: this.parent.info! } : undefined,
        });
        this.#info = info;
        writeLaunchInfo(info);
        // The image's user owns the sandbox, as the task's would (Mesos chowns it to the task's user).
        const runAs = info.command?.user;
        if (runAs && runAs !== user && !req.debug) chownSync(req.sandbox, runAs.uid, runAs.gid);
        stillWanted("prepared");
        this.#moveTo("isolating");
        // Watching starts before isolating, as in Mesos: the watchers get set up while the init boots.
        this.#watch();
        await chain.isolate(this.id, init.pid);
        stillWanted("isolated");
      } catch (e) {
        throw abort(e);
      }
      init.stdin.write(GO_LINE);
      init.stdin.end();
      const line = await readFirstLine(init.stdout, this.deps.launchTimeoutMs);
      if (line === undefined) {
        void this.destroy();
        throw new Error(`the launch helper did not report the task's start within ${formatDuration(this.deps.launchTimeoutMs)}`);
      }
      const taskPid = parseStartReport(line);
      this.#moveTo("running");
      log.debug(`Container ${this.key} started task pid ${taskPid} (init ${init.pid})`);
    } catch (e) {
      if (!this.initPid) {
        // Nothing was started: the container ends here.
        this.#destroyRequested = true;
        const failure = launchFailure(errorMessage(e));
        try {
          writeTermination(this.runtimeDir, failure);
        } catch {}
        void this.#onInitExit(undefined, failure);
      }
      throw e;
    }
  }

  #startInit(paths: ReturnType<typeof runtimePaths>): InitProcess {
    const { launcher, prestarted } = this.deps;
    const ready = this.parent ? undefined : prestarted?.take();
    if (ready) {
      try {
        ready.stdin.write(useLine(paths.launchInfo));
        ready.stdin.flush();
        return ready;
      } catch {
        ready.kill("SIGKILL"); // it died while waiting: start one as if there were none
      }
    }
    const stderr = openSync(paths.helperLog, "a");
    try {
      return launcher.fork(this.parent ? { joinPid: this.parent.initPid! } : {}, paths.launchInfo, stderr);
    } finally {
      closeSync(stderr);
    }
  }

  /** Pulls the image and builds the container's rootfs; the isolators see it in the config (rootfs, docker). */
  async #provision(image: Image, req: LaunchRequest): Promise<void> {
    const { provisioner, clock, log } = this.deps;
    const name = image.docker?.name ?? "";
    if (image.type !== Image_Type.DOCKER || !name) {
      throw new ImageProvisioningError(`Unsupported container image: only DOCKER images with a name are supported (got ${Image_Type[image.type]})`);
    }
    if (!provisioner) {
      throw new ImageProvisioningError(
        `Failed to pull image '${name}': container images are not enabled on this agent (start it with --image_providers=docker and --isolation including filesystem/linux)`,
      );
    }
    if (this.parent) {
      throw new ImageProvisioningError(
        `Cannot run container ${this.key} in image '${name}': nested containers (tasks of a task group) cannot have an image of their own yet`,
      );
    }
    let dockerConfig: string | undefined;
    const secret = image.docker?.config;
    if (secret) {
      if (secret.type !== Secret_Type.VALUE || !secret.value) {
        throw new ImageProvisioningError(`Failed to pull image '${name}': only docker config secrets of type VALUE are supported`);
      }
      dockerConfig = new TextDecoder().decode(secret.value.data);
    }
    const report = pullReporter({
      image: name,
      now: () => clock.now(),
      intervalMs: 1000,
      emit: (line) => log.info(`${line} (container ${this.key})`),
    });
    let provisioned;
    try {
      provisioned = await provisioner.provision(this.key, name, {
        dockerConfig,
        cached: image.cached,
        onEvent: (e) => {
          report(e);
          req.onImageEvent?.(e);
        },
      });
    } catch (e) {
      const message = errorMessage(e);
      throw new ImageProvisioningError(
        message.startsWith("Failed to pull image") ? message : `Failed to provision the root filesystem of image '${name}': ${message}`,
        e,
      );
    }
    if (this.#destroyRequested) throw new Error("the container was destroyed while its image was being pulled");
    const c = provisioned.config.config;
    this.config.rootfs = provisioned.rootfs;
    this.config.docker = create(api.DockerImageConfigSchema, {
      name: provisioned.image.name,
      entrypoint: c.Entrypoint ?? [],
      cmd: c.Cmd ?? [],
      env: c.Env ?? [],
      workingDir: c.WorkingDir,
      user: c.User,
    });
  }

  /**
   * After an agent restart: what the runtime directory says. A live init makes the container
   * running again; the isolators get its state back (with the config it was prepared with).
   */
  recover(): api.ContainerState | undefined {
    this.#info = readLaunchInfoIn(this.runtimeDir);
    const pid = readInitPid(this.runtimeDir);
    if (pid === undefined || !isAlive(pid)) return undefined;
    this.#initPid = pid;
    this.#moveTo("running");
    return create(api.ContainerStateSchema, { containerId: this.id, pid, config: this.config });
  }

  /** Once the isolators have recovered: a live init is watched again (its exit polled: it is no longer our child); an ended one is collected. */
  resume(): void {
    const { clock, log, stopping } = this.deps;
    if (this.initPid === undefined) {
      void this.#onInitExit();
      log.info(`Recovered container ${this.key}, which ended while the agent was down`);
      return;
    }
    this.#watch();
    waitForExit(this.initPid, clock, 200, stopping).then(() => this.#onInitExit());
    log.info(`Recovered container ${this.key} (init ${this.initPid})`);
  }

  /** Kills the container's processes, nested containers first; resolves when it has ended. */
  async destroy(): Promise<ContainerTermination> {
    if (this.#state === "terminated") return this.exited;
    this.#destroyRequested = true;
    await Promise.all([...this.children].map((child) => child.destroy().catch(() => undefined)));
    if (this.initPid !== undefined && this.#moveTo("destroying")) {
      const { launcher } = this.deps;
      launcher.destroy(this.initPid, this.info ?? { launcher: launcher.kind, join: this.id.parent ? { pid: 0, namespaces: [] } : undefined });
    }
    return this.exited;
  }

  /** Sends a signal to the task (the init forwards it to the task's process group); SIGKILL destroys. */
  signal(signal: NodeJS.Signals): boolean {
    if (this.initPid === undefined || this.#state === "terminated") return false;
    if (signal === "SIGKILL") {
      void this.destroy();
      return true;
    }
    try {
      process.kill(this.initPid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Lets the agent's process exit while the container runs on. */
  release(): void {
    this.#init?.unref();
    this.#watchAbort.abort();
  }

  io(): ContainerIo | undefined {
    if (!this.info?.switchboard) return undefined;
    const socket = runtimePaths(this.runtimeDir).ioSocket;
    return { output: (signal) => attachOutput(socket, signal), input: () => attachInput(socket) };
  }

  async status(): Promise<ContainerStatus> {
    const status = await this.deps.isolators.status(this.id);
    if (this.initPid !== undefined) status.executorPid = this.initPid;
    return status;
  }

  usage(): Promise<ResourceStatistics> {
    return this.deps.isolators.usage(this.id);
  }

  #watch(): void {
    this.#watching = this.deps.isolators.watch(this.id, this.#watchAbort.signal);
    this.#watching.then((l) => {
      if (!l || this.#state === "terminated") return;
      this.#limitation ??= l;
      if (!this.#watchAbort.signal.aborted) {
        this.deps.log.info(`Container ${this.key} reached a limitation (${l.isolator}): ${l.limitation.message.split("\n")[0]}`);
        void this.destroy();
      }
    });
  }

  /** The init is gone: collect the termination, the isolators' last word, clean up. */
  async #onInitExit(exitSignal?: number | string | null, failure?: Termination): Promise<void> {
    const { clock, log, isolators: chain, stopping } = this.deps;
    // Once stopped, the next agent deals with it (it recovers the container as ended).
    if (this.#ending || stopping.aborted) return;
    this.#ending = true;
    let termination = readTermination(this.runtimeDir) ?? failure;
    if (!termination) {
      termination =
        this.#destroyRequested || this.#state === "running"
          ? { waitStatus: 9, signal: 9 } // killed with its init (a destroy, or someone SIGKILLed the container's PID 1)
          : launchFailure(`the container's launch helper exited${exitSignal ? ` (${exitSignal})` : ""} before it started the task`);
    }
    this.#watchAbort.abort();
    if (this.#watching) {
      // The isolators' last word, but do not wait forever for a watcher that does not give it.
      let timer: { cancel(): void } | undefined;
      const giveUp = new Promise<undefined>((resolve) => (timer = clock.setTimeout(() => resolve(undefined), this.deps.launchTimeoutMs)));
      this.#limitation ??= await Promise.race([this.#watching, giveUp]);
      timer?.cancel();
    }
    try {
      await chain.cleanup(this.id);
    } catch (e) {
      log.warn(errorMessage(e));
    }
    try {
      await this.deps.provisioner?.destroy(this.key);
    } catch (e) {
      log.warn(`Failed to destroy the root filesystem of container ${this.key}: ${errorMessage(e)}`);
    }
    this.#moveTo("terminated");
    if (!stopping.aborted) this.#resolve({ termination, limitation: this.#limitation, destroyed: this.#destroyRequested });
  }
}
