/**
 * The isolator interface: Mesos's isolator life cycle in TypeScript. Built-in isolators implement
 * it in the agent process; plugins implement `mesos.isolator.v1.Isolator` over Connect and the
 * agent turns them into this same interface (`connectIsolator`). Every step is optional.
 *
 * For each container the agent calls, in order:
 *
 *  1. `prepare(config)` before any process exists. Return what the container needs (mounts,
 *     environment, rootfs, a seccomp filter, namespaces, rlimits); the launch helper applies it.
 *     Isolators describe, the helper applies. Throwing fails the launch (the message reaches the
 *     task's TASK_FAILED status, prefixed with the isolator's name).
 *  2. `isolate(containerId, pid)` once the container's init process exists (it has not started
 *     the task yet; everything the task starts inherits what you do to `pid`, e.g. cgroups).
 *  3. `watch(containerId, signal)` (called right before `isolate`, as Mesos does): resolve with a
 *     limitation when the container breaks one (the agent then destroys it and fails its tasks
 *     with your reason and message). When the container has ended for any other reason,
 *     `signal` is aborted: resolve then, with a limitation you can still see (e.g. the kernel's
 *     OOM kill that ended it) or undefined.
 *  4. `update`, `usage`, `status` any number of times while it runs.
 *  5. `cleanup(containerId)` after it has ended, in the reverse order of the chain. Also called for
 *     containers whose launch failed half-way and for orphans, so it must accept any id,
 *     including ones it never prepared, and be idempotent.
 *
 * After an agent restart, `recover(states, orphans)` comes first: the containers still running
 * (with the config they were prepared with) and the ones the agent found but will destroy.
 *
 * Apart from containers, `metrics()` gives the isolator's own gauges for the agent's
 * `/metrics/snapshot`, under Mesos's names (e.g. `containerizer/mesos/disk/project_ids_free`).
 *
 * Nested containers (task group members, DEBUG containers) only reach isolators that set
 * `supportsNesting`; they share their root container's namespaces and limits.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ContainerID, ContainerStatusSchema, Resource, ResourceStatisticsSchema } from "@mesos/proto";
import type { isolator as api } from "@mesos/proto";

export type ContainerConfig = api.ContainerConfig;
export type ContainerState = api.ContainerState;
export type ContainerLaunchInfo = api.ContainerLaunchInfo;
export type ContainerLimitation = api.ContainerLimitation;
export type LaunchInfoInit = MessageInitShape<typeof api.ContainerLaunchInfoSchema>;
export type MountInit = MessageInitShape<typeof api.MountSchema>;
export type LimitationInit = MessageInitShape<typeof api.ContainerLimitationSchema>;
export type StatisticsInit = MessageInitShape<typeof ResourceStatisticsSchema>;
export type StatusInit = MessageInitShape<typeof ContainerStatusSchema>;

export interface Isolator {
  /** As `--isolation` names it, `group/name` (e.g. `cgroups/mem`). */
  readonly name: string;
  /** Whether nested containers (task group members, DEBUG containers) reach this isolator. */
  readonly supportsNesting?: boolean;

  recover?(states: readonly ContainerState[], orphans: readonly ContainerID[]): Promise<void>;
  prepare?(config: ContainerConfig): Promise<LaunchInfoInit | undefined>;
  isolate?(containerId: ContainerID, pid: number): Promise<void>;
  watch?(containerId: ContainerID, signal: AbortSignal): Promise<LimitationInit | undefined>;
  update?(containerId: ContainerID, resources: readonly Resource[]): Promise<void>;
  usage?(containerId: ContainerID): Promise<StatisticsInit | undefined>;
  status?(containerId: ContainerID): Promise<StatusInit | undefined>;
  cleanup?(containerId: ContainerID): Promise<void>;
  /** Not a life-cycle step: gauges by metric name, read whenever the agent's metrics are. */
  metrics?(): Promise<Record<string, number>>;
}

/** The life-cycle steps, in the order the agent calls them. */
export const LIFE_CYCLE = ["recover", "prepare", "isolate", "watch", "update", "usage", "status", "cleanup"] as const;
export type LifeCycleStep = (typeof LIFE_CYCLE)[number];

/** `group/name`, lower case, as Mesos names isolators. */
export const ISOLATOR_NAME = /^[a-z0-9][a-z0-9_.-]*\/[a-z0-9][a-z0-9_.-]*$/;
