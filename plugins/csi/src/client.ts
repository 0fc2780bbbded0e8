/**
 * The version-neutral CSI client: what the service manager and the volume manager call. Only the
 * v0/ and v1/ adapters implement it, and only they know the versioned `csi.v0` / `csi.v1` types;
 * everything above works with Mesos's neutral `mesos.csi.types.VolumeCapability` and plain values.
 */
import type { VolumeCapability } from "@mesos/proto/csi";

export const CSI_API_VERSIONS = ["v0", "v1"] as const;
export type CsiApiVersion = (typeof CSI_API_VERSIONS)[number];

/** The services a plugin container can provide (`CSIPluginContainerInfo.Service`). */
export type CsiService = "CONTROLLER_SERVICE" | "NODE_SERVICE";

export interface PluginInfo {
  name: string;
  vendorVersion: string;
  manifest: Record<string, string>;
}

export interface PluginCapabilities {
  controllerService: boolean;
  volumeAccessibilityConstraints: boolean;
}

export interface ControllerCapabilities {
  createDeleteVolume: boolean;
  publishUnpublishVolume: boolean;
  listVolumes: boolean;
  getCapacity: boolean;
}

export interface NodeCapabilities {
  stageUnstageVolume: boolean;
}

/** A volume as the plugin reports it. `context` is v1's `volume_context`, v0's `attributes`. */
export interface VolumeInfo {
  id: string;
  capacityBytes: number;
  context: Record<string, string>;
}

export interface CsiClient {
  readonly apiVersion: CsiApiVersion;

  // Identity
  probe(): Promise<{ ready: boolean }>;
  getPluginInfo(): Promise<PluginInfo>;
  getPluginCapabilities(): Promise<PluginCapabilities>;

  // Controller
  controllerGetCapabilities(): Promise<ControllerCapabilities>;
  createVolume(req: { name: string; capacityBytes: number; capability: VolumeCapability; parameters: Record<string, string> }): Promise<VolumeInfo>;
  deleteVolume(volumeId: string): Promise<void>;
  /** Returns the publish context (v0: `publish_info`). */
  controllerPublishVolume(req: {
    volumeId: string;
    nodeId: string;
    capability: VolumeCapability;
    readonly: boolean;
    context: Record<string, string>;
  }): Promise<Record<string, string>>;
  controllerUnpublishVolume(req: { volumeId: string; nodeId: string }): Promise<void>;
  /** Why the plugin does not confirm the volume for this capability and parameters, or undefined. */
  validateVolumeCapabilities(req: {
    volumeId: string;
    context: Record<string, string>;
    capability: VolumeCapability;
    parameters: Record<string, string>;
  }): Promise<string | undefined>;
  /** Every volume, following `next_token` across pages. */
  listVolumes(): Promise<VolumeInfo[]>;
  getCapacity(req: { capability: VolumeCapability; parameters: Record<string, string> }): Promise<number>;

  // Node
  nodeGetCapabilities(): Promise<NodeCapabilities>;
  /** v1 `NodeGetInfo`, v0 `NodeGetId`. */
  nodeGetId(): Promise<string>;
  nodeStageVolume(req: {
    volumeId: string;
    publishContext: Record<string, string>;
    stagingPath: string;
    capability: VolumeCapability;
    context: Record<string, string>;
  }): Promise<void>;
  nodeUnstageVolume(req: { volumeId: string; stagingPath: string }): Promise<void>;
  nodePublishVolume(req: {
    volumeId: string;
    publishContext: Record<string, string>;
    stagingPath?: string;
    targetPath: string;
    capability: VolumeCapability;
    readonly: boolean;
    context: Record<string, string>;
  }): Promise<void>;
  nodeUnpublishVolume(req: { volumeId: string; targetPath: string }): Promise<void>;
}

/** Same keys and values. */
export function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}
