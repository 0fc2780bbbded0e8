/**
 * An agent as the master tracks it: what it is (AgentInfo, endpoint, capabilities), what it has
 * (total resources), the link the master talks to it over, and its health. Owned by the
 * AgentRegistry (agent-registry.ts); its tasks are in the TaskLedger, its offers in
 * the OfferBook, its operations in the OperationBook.
 */
import type { Resources, TimerHandle } from "@mesos/core";
import type { AgentInfo, AgentInfo_Capability_Type, internal, ResourceProviderInfo } from "@mesos/proto";

/**
 * A MasterMessage for the link: the message, or its bytes when the hot path wrote them itself
 * (acknowledgement-frame.ts).
 */
export type OutgoingMasterMessage = internal.MasterMessage | Uint8Array;

/** The master's way to an agent over its open link (agent-link-session.ts); closing it closes the link. */
export interface AgentOutbox {
  /** Sends now; false once the link is closed. */
  push(message: OutgoingMasterMessage): boolean;
  /** Sends a MasterMessage already encoded (registered-frame.ts); false once the link is closed. */
  pushEncoded(frame: Uint8Array): boolean;
  close(): void;
  readonly closed: boolean;
}

export interface AgentLinkState {
  connectionId: string;
  messages: AgentOutbox;
}

/** A local resource provider of the agent; its resources are in the agent's total, with its provider id. */
export interface AgentResourceProvider {
  info: ResourceProviderInfo;
  /** What the provider's resources are now; an operation sent with an older one is dropped there. */
  resourceVersion: Uint8Array;
}

/** What an attaching agent says of itself. */
export interface AgentInit {
  info: AgentInfo;
  endpoint: string;
  version: string;
  capabilities: AgentInfo_Capability_Type[];
  total: Resources;
  resourceProviders: Map<string, AgentResourceProvider>;
}

export class Agent {
  info: AgentInfo;
  endpoint: string;
  version: string;
  capabilities: AgentInfo_Capability_Type[];
  /** Everything the agent has, its resource providers' resources included. */
  total: Resources;
  /** By resource provider id. */
  resourceProviders: Map<string, AgentResourceProvider>;
  link?: AgentLinkState;
  registeredAt: number;
  reregisteredAt?: number;
  /** Pings that went unanswered in a row; the agent is unreachable at --max_agent_ping_timeouts. */
  missedPings = 0;
  awaitingPong = false;
  pingTimer?: TimerHandle;

  constructor(
    readonly id: string,
    init: AgentInit & { now: number },
  ) {
    this.info = init.info;
    this.endpoint = init.endpoint;
    this.version = init.version;
    this.capabilities = init.capabilities;
    this.total = init.total;
    this.resourceProviders = init.resourceProviders;
    this.registeredAt = init.now;
  }

  get connected(): boolean {
    return this.link !== undefined && !this.link.messages.closed;
  }

  hasCapability(type: AgentInfo_Capability_Type): boolean {
    return this.capabilities.includes(type);
  }

  /** Queues a message on the link; returns false if the agent is not connected. */
  send(message: OutgoingMasterMessage): boolean {
    return this.link?.messages.push(message) ?? false;
  }

  private parsedAddress?: { endpoint: string; hostname: string; address: { hostname: string; ip: string; port: number } };

  /** The agent's HTTP address as `host:port`, for offers and /state's `pid` (parsed again only when the endpoint or hostname changes). */
  get address(): { hostname: string; ip: string; port: number } {
    const cached = this.parsedAddress;
    if (cached?.endpoint === this.endpoint && cached.hostname === this.info.hostname) return cached.address;
    const url = new URL(this.endpoint);
    const address = { hostname: this.info.hostname || url.hostname, ip: url.hostname, port: Number(url.port) || 5051 };
    this.parsedAddress = { endpoint: this.endpoint, hostname: this.info.hostname, address };
    return address;
  }

  /** The resources of one of its resource providers. */
  providerResources(providerId: string): Resources {
    return this.total.filter((r) => r.providerId?.value === providerId);
  }

  get pid(): string {
    const a = this.address;
    return `slave(1)@${a.ip}:${a.port}`;
  }
}
