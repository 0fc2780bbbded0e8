/**
 * CSI for Mesos: the version-neutral client (v0/ and v1/ adapters), version detection, the service
 * manager that runs and supervises plugin containers, the volume manager's state machine, the CSI
 * metrics, and the URI disk profile adaptor. The agent's storage resource provider builds on these.
 */
export type { CsiService } from "./client.ts";
export { CsiCallError, endpointPath } from "./connection.ts";
export { createCsiMetrics, csiMetricsSnapshot } from "./metrics.ts";
export * as csiPaths from "./paths.ts";
export { createProcessLauncher, type PluginContainerLauncher } from "./plugin-launcher.ts";
export { createServiceManager, type ServiceManager } from "./service-manager.ts";
export { createVolumeManager, type VolumeManager } from "./volume-manager.ts";
export { createMemoryVolumeStateStore, type VolumeStateStore } from "./volume-state-store.ts";
export {
  createUriDiskProfileAdaptor,
  type DiskProfileAdaptor,
  type ProfileInfo,
  validateProfileUri,
} from "./disk-profile/uri-disk-profile-adaptor.ts";
