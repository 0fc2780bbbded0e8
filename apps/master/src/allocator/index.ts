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
  InverseOfferAllocation,
  InverseOfferAnswer,
  QuotaConfig,
} from "./allocator.ts";
