/**
 * An agent as the master tracks it: what it is (AgentInfo, endpoint, capabilities), what it has
 * (total resources), the link the master talks to it over, and its health. Owned by the
 * AgentRegistry (agent-registry.ts); its tasks are in the TaskLedger, its offers in
 * the OfferBook, its operations in the OperationBook.
 */
import type { Channel, Resources, TimerHandle } from "@mesos/core";
import type { AgentInfo, AgentInfo_Capability_Type, internal } from "@mesos/proto";

export interface AgentLinkState {
  connectionId: string;
  messages: Channel<internal.MasterMessage>;
}

export class Agent {
  info: AgentInfo;
  endpoint: string;
  version: string;
  capabilities: AgentInfo_Capability_Type[];
  total: Resources;
  link?: AgentLinkState;
  registeredAt: number;
  reregisteredAt?: number;
  /** Pings that went unanswered in a row; the agent is unreachable at --max_agent_ping_timeouts. */
  missedPings = 0;
  awaitingPong = false;
  pingTimer?: TimerHandle;

  constructor(
    readonly id: string,
    init: { info: AgentInfo; endpoint: string; version: string; capabilities: AgentInfo_Capability_Type[]; total: Resources; now: number },
  ) {
    this.info = init.info;
    this.endpoint = init.endpoint;
    this.version = init.version;
    this.capabilities = init.capabilities;
    this.total = init.total;
    this.registeredAt = init.now;
  }

  get connected(): boolean {
    return this.link !== undefined && !this.link.messages.closed;
  }

  hasCapability(type: AgentInfo_Capability_Type): boolean {
    return this.capabilities.includes(type);
  }

  /** Queues a message on the link; returns false if the agent is not connected. */
  send(message: internal.MasterMessage): boolean {
    return this.link?.messages.push(message) ?? false;
  }

  /** The agent's HTTP address as `host:port`, for offers and /state's `pid`. */
  get address(): { hostname: string; ip: string; port: number } {
    const url = new URL(this.endpoint);
    return { hostname: this.info.hostname || url.hostname, ip: url.hostname, port: Number(url.port) || 5051 };
  }

  get pid(): string {
    const a = this.address;
    return `slave(1)@${a.ip}:${a.port}`;
  }
}
