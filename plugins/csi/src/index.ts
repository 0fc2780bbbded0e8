/**
 * CSI for Mesos: the version-neutral client (v0/ and v1/ adapters), version detection, the service
 * manager that runs and supervises plugin containers, the volume manager's state machine, the CSI
 * metrics, and the URI disk profile adaptor. The storage resource provider in the agent builds on these.
 */
export {
  CSI_API_VERSIONS,
  type ControllerCapabilities,
  type CsiApiVersion,
  type CsiClient,
  type CsiService,
  type NodeCapabilities,
  type PluginCapabilities,
  type PluginInfo,
  type VolumeInfo,
} from "./client.ts";
export { connectCsi, CsiCallError, type CsiConnection, DEFAULT_RPC_TIMEOUT_MS, endpointPath, grpcCodeName } from "./connection.ts";
export { clientFor, detectApiVersion, type ProbeResult } from "./detect-version.ts";
export { createCsiMetrics, type CsiMetrics, csiMetricsSnapshot } from "./metrics.ts";
export * as csiPaths from "./paths.ts";
export { commandArgv, createProcessLauncher, type PluginContainerLauncher, type PluginContainerSpec } from "./plugin-launcher.ts";
export { DEFAULT_CSI_RETRY_BACKOFF_FACTOR_MS, DEFAULT_CSI_RETRY_INTERVAL_MAX_MS } from "./rpc-caller.ts";
export {
  createServiceManager,
  DEFAULT_ENDPOINT_TIMEOUT_MS,
  pluginContainerId,
  type ServiceManager,
  type ServiceManagerOptions,
} from "./service-manager.ts";
export { createVolumeManager, readBootId, type VolumeManager, type VolumeManagerOptions } from "./volume-manager.ts";
export { createMemoryVolumeStateStore, type VolumeStateStore } from "./volume-state-store.ts";
export {
  isSelectedResourceProvider,
  parseDiskProfileMapping,
  type ResourceProviderRef,
  validateDiskProfileMapping,
} from "./disk-profile/disk-profile-mapping.ts";
export {
  createUriDiskProfileAdaptor,
  type DiskProfileAdaptor,
  type ProfileInfo,
  type UriDiskProfileAdaptorOptions,
  validateProfileUri,
} from "./disk-profile/uri-disk-profile-adaptor.ts";
