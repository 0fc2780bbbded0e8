/**
 * The FrameworkBook: the frameworks the master knows (subscribed, disconnected, or recovered from
 * agents after a failover) and the last --max_completed_frameworks removed ones. The only code
 * that adds, changes the offer-relevant parts of, or removes a framework, so the allocator and
 * operator API subscribers (FRAMEWORK_ADDED, FRAMEWORK_UPDATED, FRAMEWORK_REMOVED) always hear of it.
 */
import { clone, create } from "@bufbuild/protobuf";
import type { Clock } from "@mesos/core";
import { FrameworkInfo_Capability_Type as Cap, FrameworkInfoSchema, master } from "@mesos/proto";
import type { Allocator, AllocatorFramework } from "../allocator/allocator.ts";
import type { OperatorEventBus } from "../operator/operator-event-bus.ts";
import type { Framework } from "./framework.ts";

export interface FrameworkBookDeps {
  clock: Clock;
  maxCompleted: number;
  allocator: Allocator;
  events: Pick<OperatorEventBus, "publish">;
  /** The framework as the operator API shows it (for events). */
  describe(framework: Framework): master.Response_GetFrameworks_Framework;
  /** A completed framework is dropped from memory: its tasks go too. */
  forgotten(frameworkId: string): void;
}

const E = master.Event_Type;

export class FrameworkBook {
  private readonly frameworksById = new Map<string, Framework>();
  private readonly completedFrameworks: Framework[] = [];

  constructor(private readonly deps: FrameworkBookDeps) {}

  get(id: string): Framework | undefined {
    return this.frameworksById.get(id);
  }

  has(id: string): boolean {
    return this.frameworksById.has(id);
  }

  /** Live frameworks (including recovered ones), in the order they were added. */
  values(): IterableIterator<Framework> {
    return this.frameworksById.values();
  }

  /** Removed frameworks, oldest first. */
  completed(): readonly Framework[] {
    return this.completedFrameworks;
  }

  isCompleted(id: string): boolean {
    return this.completedFrameworks.some((f) => f.id === id);
  }

  /** A new framework, inactive until `activate` (it subscribed). */
  add(framework: Framework, suppressedRoles: readonly string[] = []): void {
    for (const role of suppressedRoles) framework.suppressedRoles.add(role);
    this.frameworksById.set(framework.id, framework);
    this.deps.allocator.addFramework(allocatorFramework(framework), new Map(), false);
  }

  /** A framework known only from an agent's report after a master failover, until it subscribes again. */
  recover(framework: Framework): void {
    framework.recovered = true;
    this.add(framework);
    this.publish(E.FRAMEWORK_ADDED, framework);
  }

  /** FrameworkInfo or suppressed roles changed (re-subscription, UPDATE_FRAMEWORK). */
  update(framework: Framework, suppressedRoles: readonly string[]): void {
    framework.suppressedRoles.clear();
    for (const role of suppressedRoles) framework.suppressedRoles.add(role);
    this.deps.allocator.updateFramework(allocatorFramework(framework));
  }

  /** The framework (re-)subscribed: offers flow again; subscribers hear of it as added or updated. */
  activate(framework: Framework, added: boolean): void {
    framework.active = true;
    this.deps.allocator.activateFramework(framework.id);
    this.publish(added ? E.FRAMEWORK_ADDED : E.FRAMEWORK_UPDATED, framework);
  }

  /** Subscribers hear of a change that needs nothing from the allocator. */
  changed(framework: Framework): void {
    this.publish(E.FRAMEWORK_UPDATED, framework);
  }

  /** The framework's stream closed: no offers until it re-subscribes. */
  deactivate(framework: Framework): void {
    framework.active = false;
    framework.unregisteredAt = this.deps.clock.now();
    this.deps.allocator.deactivateFramework(framework.id);
  }

  suppress(framework: Framework, roles: readonly string[]): void {
    for (const role of roles) framework.suppressedRoles.add(role);
    this.deps.allocator.suppressOffers(framework.id, roles);
  }

  revive(framework: Framework, roles: readonly string[]): void {
    for (const role of roles) framework.suppressedRoles.delete(role);
    this.deps.allocator.reviveOffers(framework.id, roles);
  }

  /** The framework is gone for good: it moves to the completed list, its allocations back to the pool. */
  remove(framework: Framework): void {
    framework.active = false;
    this.deps.allocator.removeFramework(framework.id);
    this.frameworksById.delete(framework.id);
    framework.unregisteredAt = this.deps.clock.now();
    this.completedFrameworks.push(framework);
    const excess = this.completedFrameworks.length - this.deps.maxCompleted;
    if (excess > 0) for (const dropped of this.completedFrameworks.splice(0, excess)) this.deps.forgotten(dropped.id);
    const info = clone(FrameworkInfoSchema, framework.info);
    this.deps.events.publish(() => create(master.EventSchema, { type: E.FRAMEWORK_REMOVED, frameworkRemoved: { frameworkInfo: info } }));
  }

  private publish(type: master.Event_Type.FRAMEWORK_ADDED | master.Event_Type.FRAMEWORK_UPDATED, framework: Framework): void {
    this.deps.events.publish(() =>
      create(
        master.EventSchema,
        type === E.FRAMEWORK_ADDED
          ? { type, frameworkAdded: { framework: this.deps.describe(framework) } }
          : { type, frameworkUpdated: { framework: this.deps.describe(framework) } },
      ),
    );
  }
}

/** How a framework looks to the allocator. */
function allocatorFramework(f: Framework): AllocatorFramework {
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
