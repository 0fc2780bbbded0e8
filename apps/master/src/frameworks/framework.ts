/**
 * A framework as the master tracks it: its FrameworkInfo, its subscription (the event stream), its
 * tasks and offers. A framework is "connected" while its event stream is open and "active" while it
 * should get offers.
 */
import { create } from "@bufbuild/protobuf";
import type { Channel, TimerHandle } from "@mesos/core";
import { FrameworkInfo_Capability_Type, type FrameworkInfo, type Task, scheduler } from "@mesos/proto";

export interface Subscription {
  streamId: string;
  events: Channel<scheduler.Event>;
  heartbeat?: TimerHandle;
}

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
  readonly tasks = new Map<string, Task>();
  /** Tasks of a partition-aware framework on unreachable agents. */
  readonly unreachableTasks = new Map<string, Task>();
  readonly completedTasks: Task[] = [];
  readonly offers = new Set<string>();
  readonly suppressedRoles = new Set<string>();
  /** Operations with feedback, by the framework's operation id (the latest one wins on reuse). */
  readonly operations = new Map<string, { agentId: string; uuid: string }>();

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
    if (this.hasCapability(FrameworkInfo_Capability_Type.MULTI_ROLE)) return [...this.info.roles];
    return [this.info.role || "*"];
  }

  hasCapability(type: FrameworkInfo_Capability_Type): boolean {
    return this.info.capabilities.some((c) => c.type === type);
  }

  get partitionAware(): boolean {
    return this.hasCapability(FrameworkInfo_Capability_Type.PARTITION_AWARE);
  }

  /** Sends an event if the framework is connected; returns whether it was queued. */
  send(event: scheduler.Event): boolean {
    return this.subscription?.events.push(event) ?? false;
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

  /** Keeps the last `max` completed tasks, as Mesos does (--max_completed_tasks_per_framework). */
  addCompletedTask(task: Task, max: number): void {
    this.completedTasks.push(task);
    if (this.completedTasks.length > max) this.completedTasks.splice(0, this.completedTasks.length - max);
  }
}
