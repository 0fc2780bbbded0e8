/**
 * The agent's local resource providers (Mesos's LocalResourceProviderDaemon and resource provider
 * manager in one): one storage resource provider per config in `--resource_provider_config_dir`,
 * each keeping the id it was first given (checkpointed by type and name). It reports the ready
 * providers to the master (with the attach, and as UpdateState whenever one changes), routes
 * operations to them, publishes their volumes for tasks (and unpublishes them when no task uses
 * them), and serves the operator calls that add, update and remove configs or mark a provider gone.
 */
import { clone, create, equals } from "@bufbuild/protobuf";
import { errorMessage, failedPrecondition, invalid, isTerminalState, newUuid, newUuidBytes, notFound, uuidFromBytes } from "@mesos/core";
import type { DiskProfileAdaptor } from "@mesos/plugin-csi";
import {
  internal,
  OperationSchema,
  ResourceProviderIDSchema,
  OperationState,
  type Resource,
  Resource_DiskInfo_Source_Type,
  type ResourceProviderInfo,
  ResourceProviderInfoSchema,
} from "@mesos/proto";
import { ResourceProviderStateSchema } from "@mesos/proto/csi";
import type { AgentContext } from "../context.ts";
import { createPluginContainers } from "./plugin-containers.ts";
import { loadConfigDir, removeConfig, saveConfig, updateError, validateProviderInfo } from "./provider-config.ts";
import { createStorageProvider, type StorageProvider } from "./storage/storage-provider.ts";

export interface ResourceProviderOptions {
  configDir?: string;
  profileAdaptor?: DiskProfileAdaptor;
  endpointTimeoutMs?: number;
}

interface Entry {
  type: string;
  name: string;
  /** The config file (none for a provider only known from the checkpoints). */
  path?: string;
  /** The config, without an id. */
  config?: ResourceProviderInfo;
  id: string;
  provider?: StorageProvider;
}

const keyOf = (type: string, name: string) => `${type}.${name}`;

export function createResourceProviderManager(context: () => AgentContext, options: ResourceProviderOptions) {
  const entries = new Map<string, Entry>();
  const ctx = () => context();

  function usedBy(providerId: string, volumeId: string): string | undefined {
    for (const task of ctx().tasks.values()) {
      if (isTerminalState(task.state)) continue;
      if (task.info.resources.some((r) => r.providerId?.value === providerId && r.disk?.source?.id === volumeId)) return task.info.taskId!.value;
    }
    return undefined;
  }

  function report(): internal.ResourceProvider[] {
    return [...entries.values()]
      .filter((e) => e.provider?.status() === "ready")
      .map((e) => create(internal.ResourceProviderSchema, e.provider!.report()));
  }

  function sendState(): void {
    ctx().sendToMaster({ case: "updateState", value: create(internal.UpdateStateSchema, { resourceProviders: report() }) });
  }

  function launch(entry: Entry): void {
    const c = ctx();
    const config = entry.config!;
    const info = clone(ResourceProviderInfoSchema, config);
    info.id = create(ResourceProviderIDSchema, { value: entry.id });
    const stored = c.store.resourceProviders().find((p) => p.type === info.type && p.name === info.name);
    const checkpoint = stored?.state ?? create(ResourceProviderStateSchema, {});
    if (!stored) c.store.saveResourceProvider({ type: info.type, name: info.name, id: entry.id, state: checkpoint });
    const plugin = info.storage!.plugin!;
    const provider = createStorageProvider({
      info,
      workDir: c.workDir,
      checkpoint,
      save: (state, operation, update) => c.store.saveResourceProvider({ type: info.type, name: info.name, id: entry.id, state }, operation, update),
      volumeStates: c.store.csiVolumes(plugin.type, plugin.name),
      launcher: createPluginContainers(c),
      profileAdaptor: options.profileAdaptor,
      operations: c.operations,
      sendUpdate: (update) => c.operationUpdates.update(update, { checkpointed: true }),
      agentId: () => c.info.id,
      usedBy: (volumeId) => usedBy(entry.id, volumeId),
      stateChanged: sendState,
      clock: c.clock,
      log: c.log.child(`resource-provider ${info.type}.${info.name}`),
      endpointTimeoutMs: options.endpointTimeoutMs,
    });
    entry.provider = provider;
    provider.start().catch(() => undefined); // the provider logs why; it offers nothing until its config changes
  }

  async function stopProvider(entry: Entry, kill: boolean): Promise<void> {
    const provider = entry.provider;
    entry.provider = undefined;
    if (provider) {
      await provider.stop({ kill });
      sendState();
    }
  }

  function providerFor(resource: Resource): StorageProvider | undefined {
    const id = resource.providerId?.value;
    return [...entries.values()].find((e) => e.id === id)?.provider;
  }

  /** An operation the agent cannot hand to a provider: DROPPED, recorded like any other. */
  function drop(msg: internal.ApplyOperation, message: string): void {
    const c = ctx();
    const status = {
      operationId: msg.info?.id,
      state: OperationState.OPERATION_DROPPED,
      message,
      uuid: { value: newUuidBytes() },
      agentId: c.info.id,
      resourceProviderId: msg.resourceProviderId,
    };
    const operation = create(OperationSchema, {
      frameworkId: msg.frameworkId,
      agentId: c.info.id,
      info: msg.info,
      latestStatus: status,
      statuses: [status],
      uuid: { value: msg.operationUuid },
    });
    const operationUuid = uuidFromBytes(msg.operationUuid);
    const update = { operationUuid, frameworkId: msg.frameworkId?.value, status: operation.latestStatus! };
    c.store.applyOperation(c.total.toArray(), operation, update);
    c.operations.set(operationUuid, operation);
    c.log.warn(`Dropping operation (uuid: ${operationUuid}): ${message}`);
    c.operationUpdates.update(update, { checkpointed: true });
  }

  return {
    /** After the agent recovered: the configured providers start (asynchronously; each reports when ready). */
    start(): void {
      const c = ctx();
      for (const p of c.store.resourceProviders()) entries.set(keyOf(p.type, p.name), { type: p.type, name: p.name, id: p.id });
      if (!options.configDir) return;
      const { configs, problems } = loadConfigDir(options.configDir);
      for (const problem of problems) c.log.error(problem);
      for (const { path, info } of configs) {
        const key = keyOf(info.type, info.name);
        const entry = entries.get(key) ?? { type: info.type, name: info.name, id: newUuid() };
        Object.assign(entry, { path, config: info });
        entries.set(key, entry);
        launch(entry);
      }
    },

    report,

    applyOperation(msg: internal.ApplyOperation): void {
      const id = msg.resourceProviderId?.value;
      const entry = [...entries.values()].find((e) => e.id === id);
      if (!entry?.provider) return drop(msg, `Resource provider ${id} is not running on this agent`);
      entry.provider.applyOperation(msg);
    },

    /** Publishes the provider volumes among a task's resources; fails if one cannot be published. */
    async publish(resources: readonly Resource[]): Promise<void> {
      const disks = resources.filter(
        (r) =>
          r.providerId &&
          (r.disk?.source?.type === Resource_DiskInfo_Source_Type.MOUNT || r.disk?.source?.type === Resource_DiskInfo_Source_Type.BLOCK),
      );
      for (const r of disks) {
        const provider = providerFor(r);
        if (!provider) throw new Error(`Resource provider ${r.providerId!.value} of disk '${r.disk?.source?.id}' is not running`);
        try {
          await provider.publish([r]);
        } catch (e) {
          throw new Error(`Failed to publish resources '${r.disk?.source?.id}': ${errorMessage(e)}`);
        }
      }
    },

    /** A task ended: the provider volumes it used that no other task uses are unpublished. */
    release(resources: readonly Resource[]): void {
      for (const r of resources) {
        const id = r.disk?.source?.id;
        const provider = providerFor(r);
        if (!id || !provider || usedBy(r.providerId!.value, id)) continue;
        provider.unpublish(id).catch((e) => ctx().log.warn(`Failed to unpublish volume '${id}': ${errorMessage(e)}`));
      }
    },

    /** GET_RESOURCE_PROVIDERS and /state: the ready providers with their resources. */
    list(): { info: ResourceProviderInfo; totalResources: Resource[] }[] {
      return [...entries.values()].flatMap((e) =>
        e.provider?.status() === "ready" ? [{ info: e.provider.info, totalResources: e.provider.resources().toArray() }] : [],
      );
    },

    metrics(): Record<string, number> {
      return Object.assign({}, ...[...entries.values()].map((e) => e.provider?.metrics.snapshot() ?? {}));
    },

    /** ADD_RESOURCE_PROVIDER_CONFIG: false if one with this type and name exists with another config (409). */
    add(info: ResourceProviderInfo): boolean {
      const dir = requireConfigDir();
      const error = validateProviderInfo(info);
      if (error) throw invalid(`Failed to validate resource provider config with type '${info.type}' and name '${info.name}': ${error}`);
      const key = keyOf(info.type, info.name);
      const entry = entries.get(key);
      if (entry?.config) return sameConfig(entry.config, info);
      const added: Entry = entry ?? { type: info.type, name: info.name, id: newUuid() };
      added.config = info;
      added.path = saveConfig(dir, info);
      entries.set(key, added);
      launch(added);
      return true;
    },

    /** UPDATE_RESOURCE_PROVIDER_CONFIG: false if there is no such provider (404); only the plugin's containers may change. */
    async update(info: ResourceProviderInfo): Promise<boolean> {
      requireConfigDir();
      const error = validateProviderInfo(info);
      if (error) throw invalid(`Failed to validate resource provider config with type '${info.type}' and name '${info.name}': ${error}`);
      const entry = entries.get(keyOf(info.type, info.name));
      if (!entry?.config || !entry.path) return false;
      if (sameConfig(entry.config, info)) return true;
      const why = updateError(entry.config, info);
      if (why) throw invalid(why);
      saveConfig(requireConfigDir(), info, entry.path);
      entry.config = info;
      await stopProvider(entry, true);
      launch(entry);
      return true;
    },

    /** REMOVE_RESOURCE_PROVIDER_CONFIG: the provider stops and its plugin containers are killed (idempotent). */
    async remove(type: string, name: string): Promise<void> {
      requireConfigDir();
      const entry = entries.get(keyOf(type, name));
      if (!entry?.config) return;
      await stopProvider(entry, true);
      if (entry.path) removeConfig(entry.path);
      entry.config = undefined;
      entry.path = undefined;
    },

    /** MARK_RESOURCE_PROVIDER_GONE: a provider whose config was removed is forgotten for good. */
    markGone(id: string): void {
      const found = [...entries].find(([, e]) => e.id === id);
      if (!found) throw notFound(`Resource provider ${id} is not known on this agent`);
      const [key, entry] = found;
      if (entry.config) throw failedPrecondition(`Resource provider ${id} is still configured; remove its config first`);
      ctx().store.removeResourceProvider(entry.type, entry.name);
      entries.delete(key);
      sendState();
    },

    /** The agent stops: providers stop supervising (their plugins keep running for the next agent). */
    async stop(): Promise<void> {
      options.profileAdaptor?.stop();
      for (const entry of entries.values()) await entry.provider?.stop();
    },
  };

  function requireConfigDir(): string {
    if (!options.configDir) throw failedPrecondition("Missing required flag --resource_provider_config_dir");
    return options.configDir;
  }
}

const sameConfig = (a: ResourceProviderInfo, b: ResourceProviderInfo) => equals(ResourceProviderInfoSchema, a, b);

export type ResourceProviderManager = ReturnType<typeof createResourceProviderManager>;
