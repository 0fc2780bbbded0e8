/**
 * The containerizer: everything the rest of the agent asks of whatever runs its containers. The
 * Mesos containerizer (mesos-containerizer.ts: isolators, the launch helper, checkpoints) is the
 * real one; `createAgent({containerizer})` takes any other implementation, e.g. a simulated one
 * for hollow agents in a scale test. Containers are named by their key, the id as Mesos prints it
 * (`parent.child` for nested containers; see @mesos/plugin-api's container-id helpers).
 *
 * The contract an implementation keeps:
 * - `launch` resolves once the container's command runs (a container without a command: once it
 *   exists) and rejects, naming what failed, otherwise; a failed container still ends (`wait`).
 * - `wait` resolves once per container, when it has ended; `destroy` ends it (and its nested
 *   containers first) and resolves like `wait`. Both reject with not found for an unknown key.
 * - An ended container stays known (state "terminated") until `remove`; nested containers go with
 *   their parent.
 * - `stop` lets go of every container without ending any: after an agent restart, `recover`
 *   finds them again (those `keep` names) and destroys the rest.
 */
import type { ContainerID, ContainerStatus, ResourceStatistics, Resource, CommandInfo, ContainerInfo, isolator as api } from "@mesos/proto";
import { isMesosError, MesosError } from "@mesos/core";
import type { PullEvent } from "@mesos/images";
import type { Limitation } from "@mesos/plugin-api";
import type { Frame } from "../launch-protocol/io-protocol.ts";
import type { LaunchCommand } from "../launch-protocol/launch-info.ts";
import type { Termination } from "../launch-protocol/termination.ts";

export type ContainerState = "preparing" | "isolating" | "running" | "destroying" | "terminated";

/** What a container is (Mesos's ContainerConfig): id, class, owner, resources, command, sandbox. */
export type ContainerConfig = api.ContainerConfig;

export interface LaunchRequest {
  containerId: ContainerID;
  /** A DEBUG container (a nested session): it shares its parent's sandbox and environment. */
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
  command?: RequestedCommand;
  /** The progress of pulling the container's image (ContainerInfo.mesos.image), if it has one. */
  onImageEvent?: (event: PullEvent) => void;
}

/** The container's image could not be pulled or its root filesystem built; the message names the image and the cause. */
export class ImageProvisioningError extends MesosError {
  constructor(message: string, cause?: unknown) {
    super(isMesosError(cause) ? cause.kind : "failed_precondition", message, { cause });
    this.name = "ImageProvisioningError";
  }
}

/** The command as the agent asks for it: the working directory may be left to the containerizer. */
export type RequestedCommand = Omit<LaunchCommand, "workingDirectory"> & {
  workingDirectory?: string;
  /** Variables beneath all others, a DEBUG container's inherited environment included (HOME, PATH). */
  defaultEnv?: Record<string, string>;
};

export interface ContainerTermination {
  termination: Termination;
  /** The limitation that ended it (or that an isolator saw when it ended). */
  limitation?: Limitation;
  /** The agent destroyed it (a kill, a limitation, a failed launch). */
  destroyed: boolean;
}

/** A container found in the checkpoints after a restart. */
export interface CheckpointedContainerInfo {
  key: string;
  config: ContainerConfig;
}

/** A container's I/O switchboard (Mesos: containers with a TTY, and DEBUG containers). */
export interface ContainerIo {
  /** The container's output until it ends (the EXIT frame) or `signal` aborts. */
  output(signal?: AbortSignal): Promise<AsyncIterable<Frame>>;
  /** One writer at a time: a second attachment is refused (conflict). */
  input(): Promise<InputAttachment>;
}

export interface InputAttachment {
  stdin(data: Uint8Array): void;
  /** No more input (a task without a terminal sees EOF). */
  eof(): void;
  resize(rows: number, columns: number): void;
  close(): void;
}

export interface Containerizer {
  /** After a restart: reattaches to the checkpointed containers `keep` picks; the rest are orphans, destroyed. */
  recover(keep: (found: readonly CheckpointedContainerInfo[]) => ReadonlySet<string>): Promise<void>;
  launch(request: LaunchRequest): Promise<void>;
  wait(key: string): Promise<ContainerTermination>;
  destroy(key: string): Promise<ContainerTermination>;
  /** Signals the container's command (SIGKILL destroys the container); false if it does not run. */
  signal(key: string, signal: NodeJS.Signals): boolean;
  /** Forgets an ended container (its sandbox stays); throws failed precondition if it still runs. */
  remove(key: string): void;
  keys(): string[];
  /** undefined: no such container. */
  state(key: string): ContainerState | undefined;
  config(key: string): ContainerConfig | undefined;
  status(key: string): Promise<ContainerStatus>;
  usage(key: string): Promise<ResourceStatistics>;
  /** undefined: the container has no switchboard. */
  io(key: string): ContainerIo | undefined;
  /** The containerizer's own gauges under Mesos's names (the isolators', e.g. disk/xfs's project ids). */
  metrics?(): Promise<Record<string, number>>;
  /** Lets go of every container without touching it (they run on; the next agent recovers them). */
  stop(): void;
}
