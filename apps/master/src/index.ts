export { startMaster, type MasterOptions, type RunningMaster } from "./master.ts";
export { masterFlagSpecs, validateMasterFlags, type MasterFlags } from "./flags.ts";
export type { Allocator, AllocatorOptions, Allocation, AllocatorAgent, AllocatorFramework } from "./allocator/allocator.ts";
export type { MasterContext } from "./context.ts";
