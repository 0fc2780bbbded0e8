/**
 * The hierarchical allocator as the in-process allocator benches drive it: a manual clock, Mesos's
 * default 1 s interval and minimum allocatable resources, DRF for roles and frameworks, a seeded
 * random order for ties (runs repeat).
 */
import { ManualClock, parseMinAllocatable, seededRandom } from "@mesos/core";
import { type Allocator, createHierarchicalAllocator } from "@mesos/master/allocator";

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
