export { startMaster, type MasterOptions, type RunningMaster } from "./master.ts";
export { masterFlagSpecs, validateMasterFlags, type MasterFlags } from "./flags.ts";
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
