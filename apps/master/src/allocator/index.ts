export { createHierarchicalAllocator } from "./hierarchical-allocator.ts";
export type {
  AgentCapabilities,
  Allocation,
  Allocator,
  AllocatorAgent,
  AllocatorFramework,
  AllocatorOptions,
  AllocatorStats,
  FrameworkCapabilities,
  QuotaConfig,
} from "./allocator.ts";
