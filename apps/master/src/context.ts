/**
 * What the master's handlers share: configuration, and the owners of its state. Handlers are plain
 * functions of this context, grouped by concept (frameworks/, agents/, tasks/, offers/, scheduler/,
 * operator/); they ask the owners to act and never change another module's maps. Only the owners
 * hold the registry store and the allocator. Built by createMaster (create-master.ts).
 */
import type { Clock, Logger, Metrics } from "@mesos/core";
import type { MasterInfo } from "@mesos/proto";
import type { FileService } from "@mesos/rpc";
import type { AgentRegistry } from "./agents/agent-registry.ts";
import type { MasterFlags } from "./flags.ts";
import type { FrameworkBook } from "./frameworks/framework-book.ts";
import type { MaintenanceBook } from "./maintenance/maintenance-book.ts";
import type { InverseOfferBook } from "./offers/inverse-offer-book.ts";
import type { OfferBook } from "./offers/offer-book.ts";
import type { OperationBook } from "./operations/operation-book.ts";
import type { OperatorEventBus } from "./operator/operator-event-bus.ts";
import type { RoleSettings } from "./quota/role-settings.ts";
import type { TaskLedger } from "./tasks/task-ledger.ts";

export interface MasterContext {
  readonly flags: MasterFlags;
  /** The flags as given (text), for /flags and GET_FLAGS. */
  readonly effectiveFlags: Record<string, string>;
  readonly info: MasterInfo;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** What `/files/*`, LIST_FILES and READ_FILE serve: the master's log, as `/master/log`. */
  readonly files: FileService;
  readonly startTime: number;

  readonly frameworks: FrameworkBook;
  readonly agents: AgentRegistry;
  readonly tasks: TaskLedger;
  readonly offers: OfferBook;
  /** Outstanding inverse offers (maintenance). */
  readonly inverseOffers: InverseOfferBook;
  readonly operations: OperationBook;
  /** Quota and weights. */
  readonly roles: RoleSettings;
  /** The maintenance schedule and the machines DRAINING or DOWN. */
  readonly maintenance: MaintenanceBook;
  /** Operator API subscribers (SUBSCRIBE); the owners publish to it. */
  readonly operatorEvents: OperatorEventBus;

  /**
   * The leading master, or undefined while none is known. The guard stage (http/guards.ts) refuses
   * calls on a master that does not lead: 307 to the leader or 503 over HTTP, UNAVAILABLE over Connect.
   */
  leader(): MasterInfo | undefined;

  newFrameworkId(): string;
  newAgentId(): string;
  newOfferId(): string;
  /**
   * Asks for an allocation cycle soon; several requests merge into one cycle. With `agentId`, only
   * that agent changed (resources came back to it, it registered): the cycle may visit only it.
   */
  triggerAllocation(agentId?: string): void;
}
