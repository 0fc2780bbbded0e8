/** How a framework looks to the allocator. */
import { FrameworkInfo_Capability_Type as Cap } from "@mesos/proto";
import type { AllocatorFramework } from "../allocator/allocator.ts";
import type { Framework } from "./framework.ts";

export function allocatorFramework(f: Framework): AllocatorFramework {
  const minAllocatable = new Map<string, Map<string, number>[]>();
  for (const [role, filters] of Object.entries(f.info.offerFilters)) {
    const alternatives = filters.minAllocatableResources?.quantities;
    if (!alternatives) continue;
    minAllocatable.set(
      role,
      alternatives.map((q) => new Map(Object.entries(q.quantities).map(([name, s]) => [name, s.value]))),
    );
  }
  return {
    id: f.id,
    roles: f.roles,
    capabilities: {
      multiRole: f.hasCapability(Cap.MULTI_ROLE),
      gpuResources: f.hasCapability(Cap.GPU_RESOURCES),
      sharedResources: f.hasCapability(Cap.SHARED_RESOURCES),
      revocableResources: f.hasCapability(Cap.REVOCABLE_RESOURCES),
      reservationRefinement: f.hasCapability(Cap.RESERVATION_REFINEMENT),
      regionAware: f.hasCapability(Cap.REGION_AWARE),
    },
    suppressedRoles: [...f.suppressedRoles],
    minAllocatable,
  };
}
