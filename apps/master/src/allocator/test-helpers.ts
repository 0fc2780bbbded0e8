/** Builders shared by the allocator's tests: a seeded random, agents, frameworks, an allocator. */
import { ManualClock, seededRandom, parseMinAllocatable, parseResources, type Quantities, type Resources } from "@mesos/core";
import type {
  AgentCapabilities,
  Allocation,
  Allocator,
  AllocatorAgent,
  AllocatorFramework,
  AllocatorOptions,
  FrameworkCapabilities,
} from "./allocator.ts";
import { createHierarchicalAllocator } from "./hierarchical-allocator.ts";

export { seededRandom };

export const FULL_AGENT_CAPS: AgentCapabilities = { multiRole: true, hierarchicalRole: true, reservationRefinement: true };

const NO_FRAMEWORK_CAPS: FrameworkCapabilities = {
  multiRole: true,
  gpuResources: false,
  sharedResources: false,
  revocableResources: false,
  reservationRefinement: false,
  regionAware: false,
};

export function agent(id: string, resources: string | Resources, extra: Partial<AllocatorAgent> = {}): AllocatorAgent {
  return {
    id,
    hostname: `${id}.example`,
    total: typeof resources === "string" ? parseResources(resources) : resources,
    capabilities: FULL_AGENT_CAPS,
    ...extra,
  };
}

export function framework(
  id: string,
  roles: string[] = ["*"],
  capabilities: Partial<FrameworkCapabilities> = {},
  extra: Partial<AllocatorFramework> = {},
): AllocatorFramework {
  return {
    id,
    roles,
    capabilities: { ...NO_FRAMEWORK_CAPS, ...capabilities },
    suppressedRoles: [],
    minAllocatable: new Map(),
    ...extra,
  };
}

export interface Harness {
  allocator: Allocator;
  clock: ManualClock;
  options: AllocatorOptions;
}

export function harness(options: Partial<AllocatorOptions> & { seed?: number; min?: string } = {}): Harness {
  const clock = new ManualClock();
  const full: AllocatorOptions = {
    clock,
    allocationIntervalMs: 1000,
    minAllocatable: parseMinAllocatable(options.min ?? "cpus:0.01|mem:32"),
    roleSorter: "drf",
    frameworkSorter: "drf",
    random: seededRandom(options.seed ?? 42),
    ...options,
  };
  return { allocator: createHierarchicalAllocator(full), clock, options: full };
}

export function quantities(text: string): Quantities {
  return parseMinAllocatable(text)[0] ?? new Map();
}

/** Sum of a scalar over allocations, optionally filtered. */
export function scalarSum(allocations: readonly Allocation[], name: string, where: (a: Allocation) => boolean = () => true): number {
  let fixed = 0;
  for (const a of allocations) if (where(a)) fixed += Math.round(a.resources.scalar(name) * 1000);
  return fixed / 1000;
}

/** Declines everything offered (refuse 0 unless given). */
export function declineAll(allocator: Allocator, allocations: readonly Allocation[], refuseSeconds = 0): void {
  for (const a of allocations) allocator.recoverResources(a.frameworkId, a.agentId, a.resources, refuseSeconds);
}
