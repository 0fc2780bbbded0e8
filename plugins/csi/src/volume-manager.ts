/**
 * The version-neutral volume manager (src/csi/v{0,1}_volume_manager.cpp of Mesos 1.8, once): asks
 * the plugin for its capabilities, recovers checkpointed volume states (a changed boot id resets
 * staged volumes to NODE_READY; volumes a container used are published again), and creates,
 * validates, deletes and moves volumes through the state machine of volume-transitions.ts.
 * Operations on one volume run one after another; different volumes proceed in parallel.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { clone, create, equals } from "@bufbuild/protobuf";
import { listMountPoints } from "@mesos/linux";
import { type Clock, conflict, errorMessage, failedPrecondition, internal, type Logger, notFound } from "@mesos/core";
import { type VolumeCapability, VolumeCapabilitySchema, type VolumeState, VolumeState_State as S, VolumeStateSchema } from "@mesos/proto/csi";
import { type ControllerCapabilities, type CsiClient, type CsiService, type NodeCapabilities, sameMap, type VolumeInfo } from "./client.ts";
import type { CsiMetrics } from "./metrics.ts";
import { mountPath, parseMountSegment, targetPath } from "./paths.ts";
import { createRpcCaller } from "./rpc-caller.ts";
import type { VolumeStateStore } from "./volume-state-store.ts";
import { createTransitions, stateName } from "./volume-transitions.ts";

export interface VolumeManagerOptions {
  plugin: { type: string; name: string };
  /** The services the plugin is configured with; the first one answers the Identity calls. */
  services: CsiService[];
  clients: { client(service: CsiService): Promise<CsiClient> };
  store: VolumeStateStore;
  /** `csi/<type>/<name>/mounts`: staging and target paths live below it. */
  mountRoot: string;
  clock: Clock;
  log: Logger;
  metrics: CsiMetrics;
  bootId?: () => string;
  random?: () => number;
  backoffFactorMs?: number;
  backoffMaxMs?: number;
}

const NO_CONTROLLER: ControllerCapabilities = { createDeleteVolume: false, publishUnpublishVolume: false, listVolumes: false, getCapacity: false };
const STAGED_STATES = new Set([S.VOL_READY, S.PUBLISHED, S.NODE_UNSTAGE, S.NODE_PUBLISH, S.NODE_UNPUBLISH]);

function readBootId(): string {
  return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
}

/** True if anything is mounted at or below `path`. */
function hasMountsUnder(path: string): boolean {
  return listMountPoints().some((point) => point === path || point.startsWith(`${path}/`));
}

export function createVolumeManager(options: VolumeManagerOptions) {
  const { plugin, services, store, log } = options;
  const what = `CSI plugin type '${plugin.type}' and name '${plugin.name}'`;
  const volumes = new Map<string, { state: VolumeState; queue: Promise<unknown> }>();
  let controller = NO_CONTROLLER;
  let node: NodeCapabilities = { stageUnstageVolume: false };
  let nodeId = "";
  let bootId = "";
  let recovered: Promise<void> | undefined;

  const call = createRpcCaller(options);
  const tracked = (id: string) => {
    const v = volumes.get(id);
    if (!v) throw internal(`Volume '${id}' is not tracked`);
    return v.state;
  };
  const transitions = createTransitions({
    state: tracked,
    checkpoint: (id) => store.save(id, clone(VolumeStateSchema, tracked(id))),
    call,
    controller: () => controller,
    node: () => node,
    nodeId: () => nodeId,
    bootId: () => bootId,
    mountRoot: options.mountRoot,
    log,
  });

  /** Runs `step` after whatever is queued on the volume. */
  function sequence<T>(id: string, verb: "attach" | "detach" | "publish" | "unpublish" | "delete", step: () => Promise<T>): Promise<T> {
    const v = volumes.get(id);
    if (!v) return Promise.reject(notFound(`Cannot ${verb} unknown volume '${id}'`));
    const doing = verb === "delete" ? "Deleting" : `${verb[0]!.toUpperCase()}${verb.slice(1)}ing`;
    log.info(`${doing} volume '${id}' in ${stateName(v.state.state)} state`);
    const result = v.queue.then(step);
    v.queue = result.catch(() => undefined);
    return result;
  }

  async function prepareServices(): Promise<void> {
    const capabilities = await call(services[0]!, (c) => c.getPluginCapabilities());
    if (services.includes("CONTROLLER_SERVICE") && !capabilities.controllerService) {
      throw failedPrecondition(`CONTROLLER_SERVICE plugin capability is not supported for ${what}`);
    }
    // Each service is asked for its own info (Mesos 1.8 asked the controller for every service).
    const infos = await Promise.all(services.map((s) => call(s, (c) => c.getPluginInfo())));
    infos.forEach((info, i) => log.info(`${services[i]} loaded: ${info.name} ${info.vendorVersion}`));
    if (infos.some((i) => i.name !== infos[0]!.name || i.vendorVersion !== infos[0]!.vendorVersion)) {
      log.warn("Inconsistent plugin services. Please check with the plugin vendor to ensure compatibility.");
    }
    controller = services.includes("CONTROLLER_SERVICE") ? await call("CONTROLLER_SERVICE", (c) => c.controllerGetCapabilities()) : NO_CONTROLLER;
    if (services.includes("NODE_SERVICE")) {
      node = await call("NODE_SERVICE", (c) => c.nodeGetCapabilities());
      if (controller.publishUnpublishVolume) nodeId = await call("NODE_SERVICE", (c) => c.nodeGetId());
    }
  }

  async function recoverVolumes(): Promise<void> {
    bootId = (options.bootId ?? readBootId)();
    await prepareServices();
    for (const [id, state] of await store.load()) {
      if (state.state === S.UNKNOWN || !(state.state in S)) throw internal(`Volume '${id}' is in ${S[state.state] ?? "INVALID"} state`);
      // A reboot since the volume was staged: its mounts are gone (no checkpoint: this is a no-op).
      if (STAGED_STATES.has(state.state) && state.bootId !== bootId) {
        state.state = S.NODE_READY;
        state.bootId = "";
      }
      volumes.set(id, { state, queue: Promise.resolve() });
    }
    if (existsSync(options.mountRoot)) {
      for (const segment of readdirSync(options.mountRoot)) {
        const id = parseMountSegment(segment);
        if (!volumes.has(id)) garbageCollectMountPath(id);
      }
    }
    // Volumes a container used are published again, so their data can be cleaned up synchronously.
    const republish = [...volumes]
      .filter(([, v]) => v.state.nodePublishRequired)
      .map(([id]) => sequence(id, "publish", () => transitions.publish(id)));
    await Promise.all(republish);
  }

  function garbageCollectMountPath(id: string): void {
    const path = mountPath(options.mountRoot, id);
    if (!existsSync(path)) return;
    if (hasMountsUnder(path)) {
      log.error(`Not removing '${path}' of untracked volume '${id}': something is still mounted there`);
      return;
    }
    try {
      rmSync(path, { recursive: true, force: true });
    } catch (e) {
      log.error(`Failed to remove directory '${path}': ${errorMessage(e)}`);
    }
  }

  async function deleteOnPlugin(id: string): Promise<boolean> {
    if (!controller.createDeleteVolume) return false;
    log.info(`Calling DeleteVolume for volume '${id}'`);
    await call("CONTROLLER_SERVICE", (c) => c.deleteVolume(id), { retry: true });
    return true;
  }

  async function deleteTracked(id: string): Promise<boolean> {
    const s = tracked(id);
    if (s.nodePublishRequired) {
      // The volume may outlive us (pre-provisioned, or not deletable): clean its data, keep the target.
      if (s.state !== S.PUBLISHED) await transitions.publish(id);
      const target = targetPath(options.mountRoot, id);
      if (existsSync(target) && statSync(target).isDirectory()) {
        for (const entry of readdirSync(target)) rmSync(join(target, entry), { recursive: true, force: true });
      }
      s.nodePublishRequired = false;
      await store.save(id, clone(VolumeStateSchema, s));
    }
    await transitions.detach(id);
    const deleted = await deleteOnPlugin(id);
    volumes.delete(id);
    await store.remove(id);
    garbageCollectMountPath(id);
    return deleted;
  }

  const ready = () => recovered ?? Promise.reject(internal(`The volume manager of ${what} has not been recovered`));

  return {
    /** Must run (and succeed) before anything else. */
    recover(): Promise<void> {
      recovered ??= recoverVolumes();
      return recovered;
    },

    capabilities: () => ({ controller, node }),

    /** Every volume the plugin has, tracked or not (none without LIST_VOLUMES). */
    async listVolumes(): Promise<VolumeInfo[]> {
      await ready();
      if (!controller.listVolumes) return [];
      return call("CONTROLLER_SERVICE", (c) => c.listVolumes());
    },

    /** Bytes the plugin can provision for this capability and parameters (0 without GET_CAPACITY). */
    async getCapacity(capability: VolumeCapability, parameters: Record<string, string>): Promise<number> {
      await ready();
      if (!controller.getCapacity) return 0;
      return call("CONTROLLER_SERVICE", (c) => c.getCapacity({ capability, parameters }));
    },

    /**
     * Provisions a volume named `name` (the operation's uuid, so a replayed operation asks again under
     * the same name and gets the same volume) and tracks it as CREATED.
     */
    async createVolume(name: string, capacityBytes: number, capability: VolumeCapability, parameters: Record<string, string>): Promise<VolumeInfo> {
      await ready();
      if (!controller.createDeleteVolume) {
        throw failedPrecondition(`CREATE_DELETE_VOLUME controller capability is not supported for ${what}`);
      }
      log.info(`Creating volume with name '${name}'`);
      const info = await call("CONTROLLER_SERVICE", (c) => c.createVolume({ name, capacityBytes, capability, parameters }), { retry: true });
      const known = volumes.get(info.id);
      if (known) {
        // The same request again (after a crash) is answered with the same volume; anything else clashes.
        if (
          equals(VolumeCapabilitySchema, known.state.volumeCapability ?? create(VolumeCapabilitySchema), capability) &&
          sameMap(known.state.parameters, parameters)
        ) {
          return info;
        }
        throw conflict(`Volume with name '${name}' already exists`);
      }
      const state = create(VolumeStateSchema, { state: S.CREATED, volumeCapability: capability, parameters, volumeContext: info.context });
      volumes.set(info.id, { state, queue: Promise.resolve() });
      await store.save(info.id, clone(VolumeStateSchema, state));
      return info;
    },

    /**
     * Checks a pre-existing volume against a profile's capability and parameters and tracks it as
     * CREATED; returns why it does not fit, or undefined.
     */
    async validateVolume(volume: VolumeInfo, capability: VolumeCapability, parameters: Record<string, string>): Promise<string | undefined> {
      await ready();
      const known = volumes.get(volume.id);
      if (known) {
        if (!equals(VolumeCapabilitySchema, known.state.volumeCapability ?? create(VolumeCapabilitySchema), capability)) {
          return `Unsupported volume capability for volume '${volume.id}'`;
        }
        if (!sameMap(known.state.parameters, parameters)) return `Mismatched parameters for volume '${volume.id}'`;
        return undefined;
      }
      log.info(`Validating volume '${volume.id}'`);
      const why = await call("CONTROLLER_SERVICE", (c) =>
        c.validateVolumeCapabilities({ volumeId: volume.id, context: volume.context, capability, parameters }),
      );
      if (why) return `Validation failed for volume '${volume.id}': ${why}`;
      if (volumes.has(volume.id)) throw conflict(`Volume '${volume.id}' already validated`);
      const state = create(VolumeStateSchema, { state: S.CREATED, volumeCapability: capability, parameters, volumeContext: volume.context });
      volumes.set(volume.id, { state, queue: Promise.resolve() });
      await store.save(volume.id, clone(VolumeStateSchema, state));
      return undefined;
    },

    /**
     * Brings the volume down to CREATED, deletes it if the plugin can (returns whether it did) and
     * stops tracking it.
     */
    async deleteVolume(volumeId: string): Promise<boolean> {
      await ready();
      if (!volumes.has(volumeId)) return deleteOnPlugin(volumeId);
      return sequence(volumeId, "delete", () => deleteTracked(volumeId));
    },

    async attachVolume(volumeId: string): Promise<void> {
      await ready();
      return sequence(volumeId, "attach", () => transitions.attach(volumeId));
    },
    async detachVolume(volumeId: string): Promise<void> {
      await ready();
      return sequence(volumeId, "detach", () => transitions.detach(volumeId));
    },
    /** Up to PUBLISHED; the volume is then at `targetPath(volumeId)`. */
    async publishVolume(volumeId: string): Promise<void> {
      await ready();
      return sequence(volumeId, "publish", () => transitions.publish(volumeId));
    },
    /** Down to NODE_READY. */
    async unpublishVolume(volumeId: string): Promise<void> {
      await ready();
      return sequence(volumeId, "unpublish", () => transitions.unstage(volumeId));
    },

    targetPath: (volumeId: string) => targetPath(options.mountRoot, volumeId),
    /** A copy of a tracked volume's state, or undefined. */
    state: (volumeId: string): VolumeState | undefined => {
      const v = volumes.get(volumeId);
      return v && clone(VolumeStateSchema, v.state);
    },
    volumeIds: () => [...volumes.keys()],
  };
}

export type VolumeManager = ReturnType<typeof createVolumeManager>;
