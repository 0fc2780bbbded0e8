/**
 * The ordered chain of isolators the agent runs for each container: prepare, update, usage and
 * status in `--isolation` order, cleanup in reverse; isolate and watch run for all at once. Failures name the isolator
 * and the step: `Isolator 'cgroups/mem' failed to prepare container 3f2a...: <why>`.
 */
import { create, isFieldSet } from "@bufbuild/protobuf";
import { MesosError, errorMessage, invalid } from "@mesos/core";
import {
  type ContainerID,
  type ContainerStatus,
  ContainerStatusSchema,
  type Resource,
  type ResourceStatistics,
  ResourceStatisticsSchema,
  isolator as api,
} from "@mesos/proto";
import { containerIdString } from "./container-id.ts";
import {
  ISOLATOR_NAME,
  type ContainerConfig,
  type ContainerLaunchInfo,
  type ContainerLimitation,
  type ContainerState,
  type Isolator,
} from "./isolator.ts";
import { mergeLaunchInfos, toLaunchInfo } from "./merge-launch-info.ts";

export interface ChainOptions {
  /** Told about failures the chain does not throw (a watch that rejects, a cleanup error). */
  onError?(isolator: string, step: string, error: unknown): void;
  /** Clock time in seconds for usage timestamps (injected; default Date.now). */
  now?(): number;
}

export interface Limitation {
  isolator: string;
  limitation: ContainerLimitation;
}

export function isolatorError(isolator: string, step: string, containerId: ContainerID | undefined, e: unknown): MesosError {
  const target = containerId ? ` container ${containerIdString(containerId)}` : "";
  const kind = e instanceof MesosError ? e.kind : "internal";
  return new MesosError(kind, `Isolator '${isolator}' failed to ${step}${target}: ${errorMessage(e)}`, { cause: e });
}

export function createIsolatorChain(isolators: readonly Isolator[], options: ChainOptions = {}) {
  const seen = new Set<string>();
  for (const i of isolators) {
    if (!ISOLATOR_NAME.test(i.name)) throw invalid(`Isolator name '${i.name}' is not of the form group/name`);
    if (seen.has(i.name)) throw invalid(`Isolator '${i.name}' is listed twice`);
    seen.add(i.name);
  }
  const now = options.now ?? (() => Date.now() / 1000);
  const report = options.onError ?? (() => {});
  const applicable = (id: ContainerID) => (id.parent ? isolators.filter((i) => i.supportsNesting) : isolators);

  async function step<T>(i: Isolator, name: string, id: ContainerID | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw isolatorError(i.name, name, id, e);
    }
  }

  return {
    isolators,
    names: isolators.map((i) => i.name),

    async recover(states: readonly ContainerState[], orphans: readonly ContainerID[]): Promise<void> {
      for (const i of isolators) {
        if (!i.recover) continue;
        const mine = states.filter((s) => !s.containerId!.parent || i.supportsNesting);
        await step(i, "recover", undefined, () => i.recover!(mine, orphans));
      }
    },

    /** Prepares in order and merges; the caller runs `cleanup` if this throws. */
    async prepare(config: ContainerConfig): Promise<ContainerLaunchInfo> {
      const parts = [];
      for (const i of applicable(config.containerId!)) {
        if (!i.prepare) continue;
        const init = await step(i, "prepare", config.containerId, () => i.prepare!(config));
        parts.push({ isolator: i.name, info: await step(i, "prepare", config.containerId, async () => toLaunchInfo(init)) });
      }
      return mergeLaunchInfos(parts);
    },

    /** All at once, as Mesos does (prepare is ordered; isolating is not). */
    async isolate(containerId: ContainerID, pid: number): Promise<void> {
      await Promise.all(
        applicable(containerId).map((i) => (i.isolate ? step(i, "isolate", containerId, () => i.isolate!(containerId, pid)) : undefined)),
      );
    },

    /**
     * Resolves with the first limitation any isolator reports, or undefined once `signal` is
     * aborted and every watcher has had its final say.
     */
    async watch(containerId: ContainerID, signal: AbortSignal): Promise<Limitation | undefined> {
      const watchers = applicable(containerId).filter((i) => i.watch);
      if (watchers.length === 0) return undefined;
      const inner = new AbortController();
      const forward = () => inner.abort(signal.reason);
      if (signal.aborted) forward();
      else signal.addEventListener("abort", forward, { once: true });
      return new Promise<Limitation | undefined>((resolve) => {
        let pending = watchers.length;
        let done = false;
        for (const i of watchers) {
          i.watch!(containerId, inner.signal)
            .then(
              (l) => {
                if (l && !done) {
                  done = true;
                  resolve({ isolator: i.name, limitation: create(api.ContainerLimitationSchema, l) });
                }
              },
              (e) => report(i.name, "watch", e),
            )
            .finally(() => {
              if (--pending === 0 && !done) {
                done = true;
                resolve(undefined);
              }
            });
        }
      }).finally(() => signal.removeEventListener("abort", forward));
    },

    async update(containerId: ContainerID, resources: readonly Resource[]): Promise<void> {
      for (const i of applicable(containerId)) {
        if (i.update) await step(i, "update", containerId, () => i.update!(containerId, resources));
      }
    },

    /** Every isolator's statistics in one message (the first to set a field wins). */
    async usage(containerId: ContainerID): Promise<ResourceStatistics> {
      const stats = create(ResourceStatisticsSchema, { timestamp: now() });
      for (const i of applicable(containerId)) {
        if (!i.usage) continue;
        const part = await step(i, "collect the usage of", containerId, () => i.usage!(containerId));
        if (!part) continue;
        const message = create(ResourceStatisticsSchema, part);
        for (const field of ResourceStatisticsSchema.fields) {
          if (field.localName === "timestamp" || !isFieldSet(message, field) || isFieldSet(stats, field)) continue;
          (stats as unknown as Record<string, unknown>)[field.localName] = (message as unknown as Record<string, unknown>)[field.localName];
        }
      }
      return stats;
    },

    async status(containerId: ContainerID): Promise<ContainerStatus> {
      const status = create(ContainerStatusSchema, { containerId });
      for (const i of applicable(containerId)) {
        if (!i.status) continue;
        const part = await step(i, "get the status of", containerId, () => i.status!(containerId));
        if (!part) continue;
        const s = create(ContainerStatusSchema, part);
        status.networkInfos.push(...s.networkInfos);
        status.cgroupInfo ??= s.cgroupInfo;
        const pid = ContainerStatusSchema.field.executorPid;
        if (isFieldSet(s, pid) && !isFieldSet(status, pid)) status.executorPid = s.executorPid;
      }
      return status;
    },

    /** Every isolator's gauges in one record (the first to name a metric wins); a failing one is reported and skipped. */
    async metrics(): Promise<Record<string, number>> {
      const all: Record<string, number> = {};
      for (const i of isolators) {
        if (!i.metrics) continue;
        try {
          for (const [name, value] of Object.entries(await i.metrics())) if (!(name in all)) all[name] = value;
        } catch (e) {
          report(i.name, "metrics", e);
        }
      }
      return all;
    },

    /** Reverse order; every isolator gets its turn even if one fails, then the first error is thrown. */
    async cleanup(containerId: ContainerID): Promise<void> {
      let first: MesosError | undefined;
      for (const i of [...applicable(containerId)].reverse()) {
        if (!i.cleanup) continue;
        try {
          await step(i, "clean up", containerId, () => i.cleanup!(containerId));
        } catch (e) {
          report(i.name, "cleanup", e);
          first ??= e as MesosError;
        }
      }
      if (first) throw first;
    },
  };
}

export type IsolatorChain = ReturnType<typeof createIsolatorChain>;
