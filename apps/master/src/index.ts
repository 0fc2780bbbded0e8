export { startMaster, registryPath, type MasterOptions, type RunningMaster } from "./master.ts";
export { createMaster, allocatorOptions, leadingAlone, type Leadership, type Master, type MasterDeps } from "./create-master.ts";
export { openSqliteRegistry } from "./registry/sqlite-registry.ts";
export type { RegistryStore, RegistrySnapshot, RegisteredAgent } from "./registry/registry-store.ts";
export { masterFlagSpecs, masterLogFile, validateMasterFlags, type MasterFlags } from "./flags.ts";
export {
  createHierarchicalAllocator,
  type Allocator,
  type AllocatorOptions,
  type AllocatorStats,
  type Allocation,
  type AllocatorAgent,
  type AllocatorFramework,
} from "./allocator/index.ts";
export type { MasterContext } from "./context.ts";
