/**
 * The allocator's contract with the master. The allocator is pure: it holds the cluster picture the
 * master feeds it (agents, frameworks, what is allocated, quota, weights, filters) and answers
 * "what to offer now" when `allocate()` is called. It performs no I/O and reads time only from the
 * injected clock, so it can be tested and benchmarked without a cluster.
 */
import type { Clock, Quantities, Resources } from "@mesos/core";
import type { allocator, Unavailability } from "@mesos/proto";

export interface FrameworkCapabilities {
  multiRole: boolean;
  gpuResources: boolean;
  sharedResources: boolean;
  revocableResources: boolean;
  reservationRefinement: boolean;
  regionAware: boolean;
}

export interface AgentCapabilities {
  multiRole: boolean;
  hierarchicalRole: boolean;
  reservationRefinement: boolean;
}

export interface AllocatorFramework {
  id: string;
  roles: readonly string[];
  capabilities: FrameworkCapabilities;
  /** Roles the framework does not want offers for (SUPPRESS, or SUBSCRIBE's suppressed_roles). */
  suppressedRoles: readonly string[];
  /**
   * Per-role minimum offer size from FrameworkInfo.offer_filters; replaces the global
   * `--min_allocatable_resources` for that (framework, role). An empty list means any non-empty offer.
   */
  minAllocatable: ReadonlyMap<string, readonly Quantities[]>;
}

export interface AllocatorAgent {
  id: string;
  hostname: string;
  /** Everything the agent has, including reservations and volumes (no AllocationInfo). */
  total: Resources;
  capabilities: AgentCapabilities;
  /** Fault domain region, if any; agents in another region than the master's need REGION_AWARE. */
  region?: string;
  /** When the agent's machine is scheduled to be unavailable (maintenance), if it is. */
  unavailability?: Unavailability;
}

/** One inverse offer to make: the framework is asked to give back what it holds on the agent. */
export interface InverseOfferAllocation {
  frameworkId: string;
  agentId: string;
  unavailability: Unavailability;
}

/** A framework's answer to an inverse offer, and the filter it asked for (ACCEPT/DECLINE_INVERSE_OFFERS). */
export interface InverseOfferAnswer {
  status: allocator.InverseOfferStatus;
  refuseSeconds: number;
}

export interface QuotaConfig {
  guarantees: Quantities;
  /** Upper bound on what the role may be allocated; defaults to the guarantee (Mesos 1.8 behaviour). */
  limits: Quantities;
}

/** One offer to make: resources of one agent for one (framework, role), carrying AllocationInfo. */
export interface Allocation {
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
}

export interface AllocatorOptions {
  clock: Clock;
  /** Lower bound of a filter's lifetime: a filter lives max(refuse_seconds, interval). */
  allocationIntervalMs: number;
  /** Global minimum offer sizes (`--min_allocatable_resources`); an offer must cover one of them. */
  minAllocatable: readonly Quantities[];
  roleSorter: "drf" | "random";
  frameworkSorter: "drf" | "random";
  /** Resource names left out of DRF shares (`--fair_sharing_excluded_resource_names`). */
  fairSharingExcludedResourceNames?: readonly string[];
  /** Only offer GPU agents to GPU_RESOURCES frameworks (`--filter_gpu_resources`). */
  filterGpuResources?: boolean;
  /** The master's region, for REGION_AWARE decisions. */
  masterRegion?: string;
  /** Seed for the per-cycle agent shuffle and the random sorters; tests fix it. */
  random?: () => number;
  /** Run every full cycle, even one that cannot offer anything (quiet-cycles.ts); tests compare the two. */
  runQuietCycles?: boolean;
  /** Check every refusal filter against the offer it would hide, without the availability-version shortcut (filters.ts); tests compare the two. */
  checkFiltersInFull?: boolean;
}

export interface Allocator {
  addFramework(framework: AllocatorFramework, used: ReadonlyMap<string, Resources>, active: boolean): void;
  updateFramework(framework: AllocatorFramework): void;
  removeFramework(frameworkId: string): void;
  activateFramework(frameworkId: string): void;
  /** A disconnected framework: it keeps its allocations but gets no offers; its filters are cleared. */
  deactivateFramework(frameworkId: string): void;

  /** `used` is what frameworks already hold on the agent (re-registration), keyed by framework id. */
  addAgent(agent: AllocatorAgent, used: ReadonlyMap<string, Resources>): void;
  /** New total resources (e.g. after an operation changed the agent's reservations). */
  updateAgent(agentId: string, total: Resources, capabilities?: AgentCapabilities): void;
  removeAgent(agentId: string): void;
  activateAgent(agentId: string): void;
  deactivateAgent(agentId: string): void;

  /**
   * Resources given back (declined, unused part of an accept, finished task). With a refusal of
   * `refuseSeconds` > 0 the same (framework, role, agent) is not offered a subset of them again
   * until it expires. For an agent or framework the allocator no longer knows, a no-op.
   */
  recoverResources(frameworkId: string, agentId: string, resources: Resources, refuseSeconds?: number): void;
  /**
   * Offered resources converted by operations (RESERVE, CREATE...): they stay allocated to the
   * framework but change shape, and the agent's total changes the same way (`from` is replaced by
   * `to` in both). Both carry AllocationInfo. Unknown framework or agent: no-op.
   */
  updateAllocation(frameworkId: string, agentId: string, from: Resources, to: Resources): void;

  /** Stop offering `roles` (all of the framework's if empty). */
  suppressOffers(frameworkId: string, roles: readonly string[]): void;
  /** Resume `roles` (all if empty) and clear the framework's filters for every role. */
  reviveOffers(frameworkId: string, roles: readonly string[]): void;

  updateQuota(role: string, quota: QuotaConfig | undefined): void;
  /** The complete weights map (role path -> weight); roles not in it weigh 1. */
  updateWeights(weights: ReadonlyMap<string, number>): void;

  /**
   * Runs one allocation cycle and returns the offers to make: over every agent, or only over
   * `agents` (Mesos's allocate(slaveId): after an event that changed only those agents).
   */
  allocate(agents?: Iterable<string>): Allocation[];

  /**
   * Maintenance: the agent's machine is to be unavailable (or no longer is). Outstanding inverse
   * offers, answers and inverse offer filters for the agent start over.
   */
  updateUnavailability(agentId: string, unavailability: Unavailability | undefined): void;
  /** An inverse offer was answered, or (no answer) rescinded or timed out and may be made again. */
  updateInverseOffer(agentId: string, frameworkId: string, answer?: InverseOfferAnswer): void;
  /**
   * Mesos's deallocate(), run after each allocation cycle: inverse offers to make, one per active
   * framework holding resources on an agent with an unavailability, unless one is outstanding or
   * its answer's filter lasts.
   */
  deallocate(): InverseOfferAllocation[];
  /** The frameworks' latest answers, per agent with an unavailability, by framework id. */
  inverseOfferStatuses(): Map<string, ReadonlyMap<string, allocator.InverseOfferStatus>>;

  /** Numbers for /metrics/snapshot (optional so simple test allocators need not have it). */
  stats?(): AllocatorStats;
}

export interface AllocatorStats {
  /**
   * Mesos metric names to values: `allocator/mesos/resources/<name>/{total,offered_or_allocated}`,
   * `allocator/mesos/roles/<role>/shares/dominant`, `allocator/mesos/offer_filters/roles/<role>/active`,
   * `allocator/mesos/quota/roles/<role>/resources/<name>/{guarantee,limit,offered_or_allocated}`.
   */
  metrics: Record<string, number>;
  cycles: number;
  agents: number;
  activeAgents: number;
  frameworks: number;
  offerFilters: number;
}
