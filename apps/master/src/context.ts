/**
 * Everything the master's handlers share. Handlers are plain functions of this context, grouped by
 * concept (frameworks/, agents/, tasks/, offers/, scheduler/, operator/).
 */
import type { Clock, Logger } from "@mesos/core";
import type { MasterInfo } from "@mesos/proto";
import type { Agent } from "./agents/agent.ts";
import type { Allocator } from "./allocator/allocator.ts";
import type { MasterFlags } from "./flags.ts";
import type { Framework } from "./frameworks/framework.ts";
import type { Metrics } from "./metrics.ts";
import type { OfferBook } from "./offers/offer-book.ts";
import type { RoleQuota } from "./quota/quota-config.ts";
import type { OperatorEventBus } from "./operator/operator-event-bus.ts";
import type { RegisteredAgent, Registry } from "./registry/registry.ts";

export interface MasterContext {
  readonly flags: MasterFlags;
  /** The flags as given (text), for /flags and GET_FLAGS. */
  readonly effectiveFlags: Record<string, string>;
  readonly info: MasterInfo;
  readonly clock: Clock;
  readonly log: Logger;
  readonly registry: Registry;
  readonly allocator: Allocator;
  readonly metrics: Metrics;
  readonly startTime: number;

  readonly frameworks: Map<string, Framework>;
  readonly completedFrameworks: Framework[];
  /** Agents currently registered (connected or briefly disconnected). */
  readonly agents: Map<string, Agent>;
  /**
   * The registry's view of every agent ever admitted, including unreachable and gone ones. An
   * admitted agent missing from `agents` is "recovered": known from before a master restart and
   * not yet re-registered.
   */
  readonly registeredAgents: Map<string, RegisteredAgent>;
  readonly offers: OfferBook;
  /** Agents the registry had admitted when this master started (they are expected back). */
  readonly recoveredAgentIds: ReadonlySet<string>;
  /** Quota by top-level role (mirrors the registry). */
  readonly quotas: Map<string, RoleQuota>;
  /** Operator API subscribers (SUBSCRIBE); see operator/operator-events.ts for what is sent. */
  readonly operatorEvents: OperatorEventBus;

  /**
   * The leading master, or undefined while none is known. Today a master always leads; the HTTP
   * API redirects to another leader (307) or answers 503 without one.
   */
  leader(): MasterInfo | undefined;

  newFrameworkId(): string;
  newAgentId(): string;
  newOfferId(): string;
  /** Asks for an allocation cycle soon; several requests merge into one cycle. */
  triggerAllocation(): void;
}
