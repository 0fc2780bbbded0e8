/**
 * A framework as the master tracks it: its FrameworkInfo and its subscription (the event stream).
 * A framework is "connected" while its event stream is open and "active" while it should get
 * offers. Owned by the FrameworkBook (framework-book.ts); its tasks are in the TaskLedger, its
 * offers in the OfferBook, its operations in the OperationBook.
 */
import { create } from "@bufbuild/protobuf";
import type { Channel, TimerHandle } from "@mesos/core";
import { FrameworkInfo_Capability_Type, type FrameworkInfo, scheduler } from "@mesos/proto";

export interface Subscription {
  streamId: string;
  events: Channel<scheduler.Event>;
  heartbeat?: TimerHandle;
}

/** `calls/<type>` counter names, made once per type (every call is counted). */
const CALL_COUNTERS = new Map<scheduler.Call_Type, string>();
/** `events/<type>` counter names, likewise (every event sent is counted). */
const EVENT_COUNTERS = new Map<scheduler.Event_Type, string>();

export class Framework {
  info: FrameworkInfo;
  subscription?: Subscription;
  active = false;
  registeredAt: number;
  reregisteredAt?: number;
  unregisteredAt?: number;
  failoverTimer?: TimerHandle;
  /** Known only from agents' re-registration after a master failover; not yet re-subscribed. */
  recovered = false;
  /** Written by the FrameworkBook only (it tells the allocator too). */
  readonly suppressedRoles = new Set<string>();
  /**
   * Mesos's per-framework counters, by the name under `master/frameworks/<name>/<id>/`: `calls`,
   * `events`, `offers/sent` ... (metrics/framework-metrics.ts publishes them).
   */
  readonly counters = new Map<string, number>();

  constructor(
    readonly id: string,
    info: FrameworkInfo,
    now: number,
  ) {
    this.info = info;
    this.registeredAt = now;
  }

  get connected(): boolean {
    return this.subscription !== undefined && !this.subscription.events.closed;
  }

  /** The roles the framework is subscribed to (FrameworkInfo.roles for MULTI_ROLE, else `role`). */
  get roles(): string[] {
    return rolesOf(this.info);
  }

  hasCapability(type: FrameworkInfo_Capability_Type): boolean {
    return this.info.capabilities.some((c) => c.type === type);
  }

  get partitionAware(): boolean {
    return this.hasCapability(FrameworkInfo_Capability_Type.PARTITION_AWARE);
  }

  count(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  /** A scheduler call it made (Mesos counts them once they passed validation). */
  countCall(type: scheduler.Call_Type): void {
    this.count("calls");
    let name = CALL_COUNTERS.get(type);
    if (name === undefined) CALL_COUNTERS.set(type, (name = `calls/${scheduler.Call_Type[type]!.toLowerCase()}`));
    this.count(name);
  }

  /** Sends an event if the framework is connected; returns whether it was queued (and counted). */
  send(event: scheduler.Event): boolean {
    const sent = this.subscription?.events.push(event) ?? false;
    if (sent) {
      this.count("events");
      let name = EVENT_COUNTERS.get(event.type);
      if (name === undefined) EVENT_COUNTERS.set(event.type, (name = `events/${scheduler.Event_Type[event.type]!.toLowerCase()}`));
      this.count(name);
    }
    return sent;
  }

  /** Ends the event stream, after an ERROR event if a reason is given. */
  closeSubscription(reason?: string): void {
    const subscription = this.subscription;
    if (!subscription) return;
    if (reason) this.sendError(reason);
    subscription.heartbeat?.cancel();
    subscription.events.close();
    this.subscription = undefined;
  }

  sendError(message: string): void {
    this.send(create(scheduler.EventSchema, { type: scheduler.Event_Type.ERROR, error: { message } }));
  }
}

/** The roles a FrameworkInfo subscribes to (`roles` for MULTI_ROLE, else `role`). */
export function rolesOf(info: FrameworkInfo): string[] {
  if (info.capabilities.some((c) => c.type === FrameworkInfo_Capability_Type.MULTI_ROLE)) return [...info.roles];
  return [info.role || "*"];
}
