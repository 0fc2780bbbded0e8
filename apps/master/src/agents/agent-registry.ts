/**
 * The AgentRegistry: every agent the master knows. Registered agents (live `Agent`s, connected or
 * briefly not) and the registry's record of every agent ever admitted, including unreachable and
 * gone ones; an admitted agent that is not live is "recovered" (known from before a master restart,
 * not yet re-registered). It writes the registry table and its in-memory mirror together, and it is
 * the only code that tells the allocator of agents coming, changing and going.
 */
import { create, equals } from "@bufbuild/protobuf";
import { applyConversion, type Clock, type Conversion, type Resources } from "@mesos/core";
import { type AgentInfo, AgentInfo_Capability_Type as Cap, AgentInfoSchema, master, type Unavailability } from "@mesos/proto";
import type { Allocator, AllocatorAgent } from "../allocator/allocator.ts";
import type { OperatorEventBus } from "../operator/operator-event-bus.ts";
import type { AgentRegistryState, RegisteredAgent, RegistryStore } from "../registry/registry-store.ts";
import { Agent, type AgentInit, type AgentLinkState, type AgentResourceProvider } from "./agent.ts";

export interface AgentRegistryDeps {
  store: RegistryStore;
  /** The registry's agents as loaded at start-up. */
  recovered: Map<string, RegisteredAgent>;
  clock: Clock;
  allocator: Allocator;
  events: Pick<OperatorEventBus, "publish">;
  /** What non-terminal tasks on an agent hold, per framework (from the TaskLedger). */
  usedOn(agentId: string): Map<string, Resources>;
  /** When the agent's machine is to be unavailable (maintenance), if it is scheduled. */
  unavailability(agent: Agent): Unavailability | undefined;
  /** The agent as the operator API shows it (for AGENT_ADDED). */
  describe(agent: Agent): master.Response_GetAgents_Agent;
}

export class AgentRegistry {
  private readonly agentsById = new Map<string, Agent>();
  private readonly registryMirror: Map<string, RegisteredAgent>;
  /** Agents the registry had admitted when this master started (they are expected back). */
  readonly admittedAtStart: ReadonlySet<string>;

  constructor(private readonly deps: AgentRegistryDeps) {
    this.registryMirror = new Map(deps.recovered);
    this.admittedAtStart = new Set([...this.registryMirror].filter(([, a]) => a.state === "admitted").map(([id]) => id));
  }

  // --- reading ---

  get(id: string): Agent | undefined {
    return this.agentsById.get(id);
  }

  has(id: string): boolean {
    return this.agentsById.has(id);
  }

  /** Registered agents, in registration order. */
  values(): IterableIterator<Agent> {
    return this.agentsById.values();
  }

  get size(): number {
    return this.agentsById.size;
  }

  /** The registry's record of an agent (admitted, unreachable or gone). */
  entry(id: string): RegisteredAgent | undefined {
    return this.registryMirror.get(id);
  }

  entries(): IterableIterator<[string, RegisteredAgent]> {
    return this.registryMirror.entries();
  }

  /** Admitted agents that have not re-registered since this master started. */
  recovered(): AgentInfo[] {
    return [...this.registryMirror].filter(([id, a]) => a.state === "admitted" && !this.agentsById.has(id)).map(([, a]) => a.info);
  }

  // --- the registry ---

  /**
   * Records an agent as admitted; resolves once the registry has committed it. An admitted agent
   * re-registering with the same AgentInfo changes nothing, so nothing is written (Mesos skips the
   * registry then too, MESOS-7711: after a failover every agent re-registers at once).
   */
  admit(id: string, info: AgentInfo, encoded?: Uint8Array): Promise<void> {
    const known = this.registryMirror.get(id);
    if (known?.state === "admitted" && (sameBytes(known.encoded, encoded) || equals(AgentInfoSchema, known.info, info))) return Promise.resolve();
    return this.record(id, info, "admitted");
  }

  /** Records an agent as unreachable or gone; resolves once the registry has committed it. */
  mark(id: string, info: AgentInfo, state: Exclude<AgentRegistryState, "admitted">): Promise<void> {
    return this.record(id, info, state);
  }

  /** Forgets an agent (Mesos's RemoveSlave, when its machine goes DOWN); it may register again later. */
  async forget(id: string): Promise<void> {
    await this.deps.store.removeAgent(id);
    this.registryMirror.delete(id);
  }

  /** --agent_reregister_timeout elapsed: agents from the registry that did not come back are unreachable. */
  async expireRecovered(): Promise<string[]> {
    const expired = [...this.admittedAtStart].filter((id) => !this.agentsById.has(id) && this.registryMirror.get(id)?.state === "admitted");
    for (const id of expired) await this.mark(id, this.registryMirror.get(id)!.info, "unreachable");
    return expired;
  }

  private async record(id: string, info: AgentInfo, state: AgentRegistryState): Promise<void> {
    const entry = { info, state, changedAt: this.deps.clock.now() };
    await this.deps.store.setAgent(id, entry);
    this.registryMirror.set(id, entry);
  }

  // --- live agents ---

  /**
   * An admitted agent attaches: a new `Agent`, or the live one updated (re-registration; the caller
   * has taken back its offers). Not offered to the allocator until `start`.
   */
  attach(id: string, init: AgentInit, link: AgentLinkState, reregistering: boolean): { agent: Agent; added: boolean } {
    const now = this.deps.clock.now();
    let agent = this.agentsById.get(id);
    const added = agent === undefined;
    if (agent) {
      this.deps.allocator.removeAgent(id);
      agent.link?.messages.close();
      Object.assign(agent, init);
      agent.reregisteredAt = now;
    } else {
      agent = new Agent(id, { ...init, now });
      if (reregistering) agent.reregisteredAt = now;
      this.agentsById.set(id, agent);
    }
    agent.link = link;
    return { agent, added };
  }

  /** The allocator gets the agent with what its tasks hold; subscribers hear of a new one. */
  start(agent: Agent, added: boolean): void {
    this.deps.allocator.addAgent({ ...allocatorAgent(agent), unavailability: this.deps.unavailability(agent) }, this.deps.usedOn(agent.id));
    if (!agent.connected) this.deps.allocator.deactivateAgent(agent.id);
    if (added) {
      this.deps.events.publish(() =>
        create(master.EventSchema, { type: master.Event_Type.AGENT_ADDED, agentAdded: { agent: this.deps.describe(agent) } }),
      );
    }
  }

  /** The agent's machine was scheduled for maintenance, rescheduled or taken out of the schedule. */
  updateUnavailability(agent: Agent, unavailability: Unavailability | undefined): void {
    this.deps.allocator.updateUnavailability(agent.id, unavailability);
  }

  /** The agent's link closed (or was replaced): no offers of it until it re-attaches. */
  disconnect(agent: Agent): void {
    agent.link?.messages.close();
    agent.link = undefined;
    this.deps.allocator.deactivateAgent(agent.id);
  }

  /** The agent is gone from the cluster (after `mark`): the allocator forgets it, subscribers hear of it. */
  remove(agent: Agent): void {
    agent.pingTimer?.cancel();
    agent.link?.messages.close();
    agent.link = undefined;
    this.deps.allocator.removeAgent(agent.id);
    this.agentsById.delete(agent.id);
    this.deps.events.publish(() =>
      create(master.EventSchema, { type: master.Event_Type.AGENT_REMOVED, agentRemoved: { agentId: { value: agent.id } } }),
    );
  }

  /**
   * The agent reported new resource providers' state: their resources replace the old ones in the
   * total (the agent's own resources stay); the allocator gets the new total.
   */
  updateResourceProviders(agent: Agent, providers: Map<string, AgentResourceProvider>, resources: Resources): void {
    agent.resourceProviders = providers;
    agent.total = agent.total.filter((r) => !r.providerId).plus(resources);
    this.deps.allocator.updateAgent(agent.id, agent.total);
  }

  /**
   * An offer operation converted resources on the agent: its total changes, and so does the
   * allocation of the framework that used offered resources (an operator's change is to the agent).
   */
  convert(agent: Agent, frameworkId: string | undefined, conversion: Conversion): void {
    agent.total = applyConversion(agent.total, { consumed: conversion.consumed.unallocate(), converted: conversion.converted.unallocate() });
    if (frameworkId) this.deps.allocator.updateAllocation(frameworkId, agent.id, conversion.consumed, conversion.converted);
    else this.deps.allocator.updateAgent(agent.id, agent.total);
  }
}

/** Both are there and hold the same bytes (then they decode to the same message). A loop: a Buffer view over `.buffer` cost more. */
function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How an agent looks to the allocator. */
function allocatorAgent(a: Agent): AllocatorAgent {
  return {
    id: a.id,
    hostname: a.info.hostname,
    total: a.total,
    capabilities: {
      multiRole: a.hasCapability(Cap.MULTI_ROLE),
      hierarchicalRole: a.hasCapability(Cap.HIERARCHICAL_ROLE),
      reservationRefinement: a.hasCapability(Cap.RESERVATION_REFINEMENT),
    },
    region: a.info.domain?.faultDomain?.region?.name,
  };
}
