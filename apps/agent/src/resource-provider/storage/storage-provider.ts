/**
 * The storage local resource provider (src/resource_provider/storage/provider.cpp of Mesos 1.8),
 * inside the agent. It runs its CSI plugin's containers (service manager), recovers the volumes
 * (volume manager), replays its pending operations, then offers what it discovered: a RAW storage
 * pool per profile (GetCapacity) and the pre-existing volumes (ListVolumes). Operations arrive with
 * the resource version the master saw; a stale one is dropped. CREATE_DISK and DESTROY_DISK run
 * asynchronously; while the pools are being reconciled (a profile appeared) they are dropped.
 * Its state and its operations are checkpointed together in the agent's store.
 */
import { join, relative } from "node:path";
import { clone, create } from "@bufbuild/protobuf";
import { applyConversion, type Clock, type Conversion, errorMessage, type Logger, newUuidBytes, Resources, uuidFromBytes } from "@mesos/core";
import {
  createServiceManager,
  createVolumeManager,
  csiPaths,
  type DiskProfileAdaptor,
  type PluginContainerLauncher,
  type ProfileInfo,
  type ServiceManager,
  type VolumeManager,
  type VolumeStateStore,
} from "@mesos/plugin-csi";
import {
  type AgentID,
  type internal,
  Offer_Operation_Type,
  type Operation,
  OperationSchema,
  OperationState,
  OperationStatusSchema,
  type Resource,
  Resource_DiskInfo_Source_Type as Disk,
  type ResourceProviderInfo,
} from "@mesos/proto";
import { type ResourceProviderState, ResourceProviderStateSchema } from "@mesos/proto/csi";
import type { OperationUpdate } from "../../operations/operation-updates.ts";
import { createProviderMetrics } from "./provider-metrics.ts";
import { labelsOf, rawDisk, reconcileResources } from "./disk-resources.ts";
import { allowsReconciliation, createDisk, destroyDisk, type OperationEnv, speculativeConversion } from "./storage-operations.ts";

export interface StorageProviderDeps {
  /** With its id. */
  info: ResourceProviderInfo;
  workDir: string;
  /** What it checkpointed last time (empty for a new provider). */
  checkpoint: ResourceProviderState;
  /** Writes its state (if given), with an operation and its status update in the same transaction. */
  save(state: ResourceProviderState | undefined, operation?: Operation, update?: OperationUpdate): void;
  volumeStates: VolumeStateStore;
  launcher: PluginContainerLauncher;
  profileAdaptor?: DiskProfileAdaptor;
  /** The agent's operations (the provider's are among them) and their status updates. */
  operations: Map<string, Operation>;
  sendUpdate(update: OperationUpdate): void;
  agentId(): AgentID | undefined;
  /** The task using a volume, if any. */
  usedBy(volumeId: string): string | undefined;
  /** The provider's resources or version changed: the master must hear of it. */
  stateChanged(): void;
  clock: Clock;
  log: Logger;
  endpointTimeoutMs?: number;
}

const SERVICES = ["CONTROLLER_SERVICE", "NODE_SERVICE"] as const;

/** Mesos's container id prefix for a provider's plugin containers. */
const containerPrefix = (info: ResourceProviderInfo) => `${info.type.replaceAll(".", "-")}-${info.name}--`;

export function createStorageProvider(deps: StorageProviderDeps) {
  const { info, log } = deps;
  const providerId = info.id!.value;
  const plugin = info.storage!.plugin!;
  const vendor = `${plugin.type}.${plugin.name}`;
  const csiRoot = join(deps.workDir, "csi");
  const mountRoot = csiPaths.mountRootDir(csiPaths.pluginDir(csiRoot, plugin.type, plugin.name));
  const metrics = createProviderMetrics(`resource_providers/${info.type}.${info.name}/`);
  const ref = { type: info.type, name: info.name, pluginType: plugin.type };

  let total = Resources.of(deps.checkpoint.resources);
  const profiles = new Map<string, ProfileInfo>(
    Object.entries(deps.checkpoint.storage?.profiles ?? {}).map(([name, p]) => [
      name,
      { capability: p.capability!, parameters: { ...p.parameters } },
    ]),
  );
  let resourceVersion = newUuidBytes();
  let status: "recovering" | "ready" | "failed" | "stopped" = "recovering";
  let reconciling: Promise<void> | undefined;
  const inFlight = new Set<Promise<unknown>>();
  let services: ServiceManager | undefined;
  let volumes: VolumeManager | undefined;
  /** Status updates made before the provider is ready: the master hears its new state first (Mesos pauses them too). */
  const held: OperationUpdate[] = [];

  function stateToSave(): ResourceProviderState {
    // Profiles of the storage pools only: pending operations on pools need them after a restart.
    const needed = new Set([...total].filter((r) => !r.disk?.source?.id && r.disk?.source?.profile).map((r) => r.disk!.source!.profile));
    return create(ResourceProviderStateSchema, {
      resources: [...total], // serialized at once: no copies needed
      storage: { profiles: Object.fromEntries([...needed].filter((p) => profiles.has(p)).map((p) => [p, profiles.get(p)!])) },
    });
  }

  const env = (): OperationEnv => ({
    volumes: volumes!,
    profiles,
    mountRoot: relative(deps.workDir, mountRoot),
    targetPath: (id) => csiPaths.targetPath(mountRoot, id),
    usedBy: deps.usedBy,
  });

  // --- operations ---

  function newStatus(operation: Operation, state: OperationState, extra: { message?: string; converted?: Resources } = {}) {
    return create(OperationStatusSchema, {
      operationId: operation.info?.id,
      state,
      message: extra.message,
      convertedResources: extra.converted?.toArray() ?? [],
      uuid: { value: newUuidBytes() },
      agentId: deps.agentId(),
      resourceProviderId: info.id,
    });
  }

  /** Checkpoints an operation (and the provider's state, if the operation changed it), then sends its update. */
  function record(operation: Operation, update?: OperationUpdate, changedState = false): void {
    deps.operations.set(uuidFromBytes(operation.uuid!.value), operation);
    deps.save(changedState ? stateToSave() : undefined, operation, update);
    if (!update) return;
    if (status === "ready") deps.sendUpdate(update);
    else held.push(update);
  }

  /** A terminal status for an operation, with the total changed by its conversion (or not). */
  function finish(operation: Operation, result: Conversion | Error): void {
    const type = operation.info!.type;
    let error = result instanceof Error ? result.message : undefined;
    if (!(result instanceof Error)) {
      try {
        total = applyConversion(total, { consumed: result.consumed.unallocate(), converted: result.converted.unallocate() });
      } catch (e) {
        error = errorMessage(e);
      }
    }
    const status = error
      ? newStatus(operation, OperationState.OPERATION_FAILED, { message: error })
      : newStatus(operation, OperationState.OPERATION_FINISHED, { converted: (result as Conversion).converted });
    operation.latestStatus = status;
    operation.statuses.push(status);
    const operationUuid = uuidFromBytes(operation.uuid!.value);
    record(operation, { operationUuid, frameworkId: operation.frameworkId?.value, status }, !error);
    metrics.pending(type, -1);
    metrics.count(type, error ? "failed" : "finished");
    if (error) log.warn(`Operation ${Offer_Operation_Type[type]} (uuid ${operationUuid}) failed: ${error}`);
    else
      log.info(
        `Operation ${Offer_Operation_Type[type]} (uuid ${operationUuid}) finished: ${(result as Conversion).consumed} -> ${(result as Conversion).converted}`,
      );
    if (error && type !== Offer_Operation_Type.CREATE_DISK && type !== Offer_Operation_Type.DESTROY_DISK) {
      // The master applied it speculatively: tell it what the resources really are.
      resourceVersion = newUuidBytes();
      deps.stateChanged();
    }
  }

  function run(operation: Operation): Promise<void> {
    const info = operation.info!;
    const uuid = uuidFromBytes(operation.uuid!.value);
    if (info.type !== Offer_Operation_Type.CREATE_DISK && info.type !== Offer_Operation_Type.DESTROY_DISK) {
      let result: Conversion | Error;
      try {
        result = speculativeConversion(info, env());
      } catch (e) {
        result = new Error(errorMessage(e));
      }
      finish(operation, result);
      return Promise.resolve();
    }
    const work: Promise<Conversion> = info.type === Offer_Operation_Type.CREATE_DISK ? createDisk(info, uuid, env()) : destroyDisk(info, env());
    const done = work.then(
      (conversion) => {
        finish(operation, conversion);
        if ("freed" in conversion && conversion.freed) void reconcilePools();
      },
      (e) => finish(operation, new Error(errorMessage(e))),
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    return done;
  }

  function drop(msg: internal.ApplyOperation, message: string): void {
    const operation = create(OperationSchema, {
      frameworkId: msg.frameworkId,
      agentId: deps.agentId(),
      info: msg.info,
      uuid: { value: msg.operationUuid },
    });
    const status = newStatus(operation, OperationState.OPERATION_DROPPED, { message });
    operation.latestStatus = status;
    operation.statuses = [status];
    log.warn(`Dropping operation (uuid: ${uuidFromBytes(msg.operationUuid)}): ${message}`);
    metrics.count(msg.info!.type, "dropped");
    record(operation, { operationUuid: uuidFromBytes(msg.operationUuid), frameworkId: msg.frameworkId?.value, status });
  }

  // --- resources ---

  async function discover(): Promise<Resources> {
    const known = new Map(
      [...total].filter((r) => r.disk?.source?.id && r.disk.source.profile).map((r) => [r.disk!.source!.id, r.disk!.source!.profile]),
    );
    const listed = (await volumes!.listVolumes()).map((v) =>
      rawDisk(info, vendor, v.capacityBytes, { id: v.id, profile: known.get(v.id), metadata: labelsOf(v.context) }),
    );
    return Resources.of(listed).plus(await storagePools());
  }

  async function storagePools(): Promise<Resources> {
    const pools = await Promise.all(
      [...profiles].map(async ([name, p]) => {
        const bytes = await volumes!.getCapacity(p.capability, p.parameters);
        return bytes > 0 ? [rawDisk(info, vendor, bytes, { profile: name })] : [];
      }),
    );
    return Resources.of(pools.flat());
  }

  function adopt(conversion: Conversion, why: string): boolean {
    const next = applyConversion(total, conversion);
    if (next.equals(total)) return false;
    log.info(`${why}: removing '${conversion.consumed}' and adding '${conversion.converted}'`);
    total = next;
    deps.save(stateToSave());
    return true;
  }

  /** A profile appeared or went: the pools are recomputed once no operation that needs them runs. */
  function reconcilePools(): Promise<void> {
    const previous = reconciling ?? Promise.resolve();
    const next = previous.then(async () => {
      await Promise.allSettled([...inFlight]);
      const pools = total.filter((r) => !r.disk?.source?.id);
      if (adopt(reconcileResources(info, vendor, pools, await storagePools()), "Reconciled storage pools")) {
        resourceVersion = newUuidBytes();
        deps.stateChanged();
      }
    });
    reconciling = next.finally(() => {
      if (reconciling === guarded) reconciling = undefined;
    });
    const guarded = reconciling;
    return next.catch((e) => log.error(`Failed to reconcile storage pools of resource provider ${providerId}: ${errorMessage(e)}`));
  }

  async function watchProfiles(): Promise<void> {
    const adaptor = deps.profileAdaptor;
    if (!adaptor) return;
    for (;;) {
      const current = await adaptor.watch(new Set(profiles.keys()), ref);
      if (status === "stopped") return;
      log.info(`Updating profiles [${[...current].join(", ")}] for resource provider ${providerId}`);
      for (const name of [...profiles.keys()]) if (!current.has(name)) profiles.delete(name);
      for (const name of current) {
        if (profiles.has(name)) continue; // profiles never change once seen
        try {
          profiles.set(name, await adaptor.translate(name, ref));
        } catch (e) {
          log.error(`Failed to translate profile '${name}': ${errorMessage(e)}`);
        }
      }
      await reconcilePools();
    }
  }

  return {
    info,
    metrics,

    /** Starts the plugin, recovers, replays pending operations, discovers the resources. */
    async start(): Promise<void> {
      try {
        services = createServiceManager({
          rootDir: csiRoot,
          plugin,
          services: [...SERVICES],
          containerPrefix: containerPrefix(info),
          launcher: deps.launcher,
          clock: deps.clock,
          log,
          metrics: metrics.csi,
          endpointTimeoutMs: deps.endpointTimeoutMs,
        });
        await services.recover();
        volumes = createVolumeManager({
          plugin,
          services: [...SERVICES],
          clients: services,
          store: deps.volumeStates,
          mountRoot,
          clock: deps.clock,
          log,
          metrics: metrics.csi,
        });
        await volumes.recover();
        if (deps.profileAdaptor) {
          // Profiles the adaptor knows at start, so the first discovery has pools.
          const current = await Promise.race([deps.profileAdaptor.watch(new Set(), ref), deps.clock.sleep(1000).then(() => new Set<string>())]);
          for (const name of current) if (!profiles.has(name)) profiles.set(name, await deps.profileAdaptor.translate(name, ref));
        }
        const pending = [...deps.operations.values()].filter(
          (op) => op.latestStatus?.resourceProviderId?.value === providerId && op.latestStatus.state === OperationState.OPERATION_PENDING,
        );
        for (const op of pending) metrics.pending(op.info!.type, 1);
        await Promise.allSettled(pending.map((op) => run(op)));
        adopt(reconcileResources(info, vendor, total, await discover()), "Reconciled resources");
        status = "ready";
        log.info(`Resource provider ${providerId} (${info.type}.${info.name}) is ready with ${total}`);
        deps.stateChanged();
        for (const update of held.splice(0)) deps.sendUpdate(update);
        void watchProfiles().catch((e) => log.error(`Failed to watch profiles: ${errorMessage(e)}`));
      } catch (e) {
        status = "failed";
        const failure = `Resource provider with type '${info.type}' and name '${info.name}' failed to start: ${errorMessage(e)}`;
        log.error(failure);
        await services?.stop({ kill: true }).catch(() => undefined);
        throw new Error(failure);
      }
    },

    status: () => status,
    resources: () => total,

    /** What the master knows of it. */
    report(): { info: ResourceProviderInfo; totalResources: Resource[]; resourceVersionUuid: Uint8Array; operations: Operation[] } {
      const operations = [...deps.operations.values()].filter((op) => op.latestStatus?.resourceProviderId?.value === providerId);
      return { info, totalResources: total.toArray(), resourceVersionUuid: resourceVersion, operations };
    },

    applyOperation(msg: internal.ApplyOperation): void {
      const type = msg.info!.type;
      if (status !== "ready") return drop(msg, `Cannot apply operation: resource provider ${providerId} is ${status}`);
      if (reconciling && !allowsReconciliation(msg.info!)) return drop(msg, "Cannot apply operation when reconciling storage pools");
      const version = msg.resourceVersionUuid;
      if (!version || uuidFromBytes(version) !== uuidFromBytes(resourceVersion)) {
        return drop(
          msg,
          `Mismatched resource version ${version?.length === 16 ? uuidFromBytes(version) : "(none)"} (expected: ${uuidFromBytes(resourceVersion)})`,
        );
      }
      const operation = create(OperationSchema, {
        frameworkId: msg.frameworkId,
        agentId: deps.agentId(),
        info: msg.info,
        uuid: { value: msg.operationUuid },
      });
      operation.latestStatus = clone(OperationStatusSchema, newStatus(operation, OperationState.OPERATION_PENDING));
      operation.latestStatus.uuid = undefined;
      record(operation);
      metrics.pending(type, 1);
      void run(operation);
    },

    /** Publishes the volumes behind these resources (before a task that uses them starts). */
    async publish(resources: readonly Resource[]): Promise<string[]> {
      if (status !== "ready") throw new Error(`Cannot publish resources: resource provider ${providerId} is ${status}`);
      const ids: string[] = [];
      for (const r of resources) {
        const type = r.disk?.source?.type;
        if (type !== Disk.MOUNT && type !== Disk.BLOCK) throw new Error(`Cannot publish volume of ${Disk[type ?? Disk.UNKNOWN]} type`);
        if (!total.contains(Resources.of([r]).unallocate())) throw new Error(`Cannot publish unknown resource '${r.disk!.source!.id}'`);
        ids.push(r.disk!.source!.id);
      }
      await Promise.all(ids.map((id) => volumes!.publishVolume(id)));
      return ids;
    },

    /** Unpublishes a volume no task uses any more (down to NODE_READY). */
    async unpublish(volumeId: string): Promise<void> {
      if (status !== "ready" || !volumes!.state(volumeId)) return;
      await volumes!.unpublishVolume(volumeId);
    },

    /** Stops supervising the plugin (its containers are killed when the provider is removed). */
    async stop(options: { kill?: boolean } = {}): Promise<void> {
      status = "stopped";
      await services?.stop({ kill: options.kill });
    },
  };
}

export type StorageProvider = ReturnType<typeof createStorageProvider>;
