/**
 * The hierarchical allocator as the in-process allocator benches drive it: a manual clock, Mesos's
 * default 1 s interval and minimum allocatable resources, DRF for roles and frameworks, a seeded
 * random order for ties (runs repeat).
 */
import { ManualClock, parseMinAllocatable, seededRandom } from "@mesos/core";
import { type Allocator, type AllocatorFramework, createHierarchicalAllocator } from "@mesos/master/allocator";

/** An agent as a Mesos 1.8 agent registers: multi-role, hierarchical roles, reservation refinement. */
export const BENCH_AGENT_CAPABILITIES = { multiRole: true, hierarchicalRole: true, reservationRefinement: true };

/** A multi-role framework in `roles`, nothing suppressed, no minimum offer sizes of its own. */
export function benchFramework(id: string, roles: string[] = ["*"]): AllocatorFramework {
  return {
    id,
    roles,
    capabilities: {
      multiRole: true,
      gpuResources: false,
      sharedResources: false,
      revocableResources: false,
      reservationRefinement: false,
      regionAware: false,
    },
    suppressedRoles: [],
    minAllocatable: new Map(),
  };
}

export function benchAllocator(seed = 1): { allocator: Allocator; clock: ManualClock } {
  const clock = new ManualClock();
  const allocator = createHierarchicalAllocator({
    clock,
    allocationIntervalMs: 1000,
    minAllocatable: parseMinAllocatable("cpus:0.01|mem:32"),
    roleSorter: "drf",
    frameworkSorter: "drf",
    random: seededRandom(seed),
  });
  return { allocator, clock };
}
