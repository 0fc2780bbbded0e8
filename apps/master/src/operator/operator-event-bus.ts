/**
 * The operator event stream's fan-out: every SUBSCRIBE of the operator API holds one channel here,
 * and the master publishes TASK_ADDED, AGENT_REMOVED, ... to all of them. Events are built only
 * when someone listens. At --max_operator_event_stream_subscribers the oldest subscriber is closed
 * to make room, as in Mesos.
 */
import { Channel, type Logger } from "@mesos/core";
import type { master } from "@mesos/proto";
import { shareEncodings } from "@mesos/rpc";

export class OperatorEventBus {
  /** In subscription order: the first is the oldest. */
  private readonly subscribers = new Set<Channel<master.Event>>();

  constructor(private readonly options: { maxSubscribers: number; log: Logger }) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** A new subscriber's channel, starting with `first` (SUBSCRIBED). */
  subscribe(first: master.Event): Channel<master.Event> {
    for (const oldest of this.subscribers) {
      if (this.subscribers.size < this.options.maxSubscribers) break;
      this.options.log.info(`Reached the maximum number of operator event stream subscribers (${this.options.maxSubscribers}); closing the oldest`);
      this.unsubscribe(oldest);
    }
    const channel = new Channel<master.Event>();
    channel.push(first);
    this.subscribers.add(channel);
    return channel;
  }

  unsubscribe(channel: Channel<master.Event>): void {
    this.subscribers.delete(channel);
    channel.close();
  }

  /** Sends an event to every subscriber; `build` runs only if there is one. */
  publish(build: () => master.Event): void {
    if (this.subscribers.size === 0) return;
    const event = build();
    // Each subscriber's stream encodes it: once per format, however many subscribers.
    if (this.subscribers.size > 1) shareEncodings(event);
    for (const channel of this.subscribers) channel.push(event);
  }

  /** Closes every subscriber (the master is stopping). */
  closeAll(): void {
    for (const channel of [...this.subscribers]) this.unsubscribe(channel);
  }
}
