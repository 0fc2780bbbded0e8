/**
 * Mesos's at-least-once delivery for updates the agent originates (task status updates, operation
 * status updates). Updates are grouped in streams (one per task, one per operation): every update
 * is checkpointed before it is sent; one update per stream is in flight and is resent (10 s
 * doubling to 10 min) until acknowledged; then the next one goes. After a restart the checkpointed
 * updates are loaded and resent in order.
 */
import type { Clock, Logger, TimerHandle } from "@mesos/core";

interface UpdateKind<U> {
  /** The stream an update belongs to. */
  streamOf(u: U): string;
  /** The identity acknowledgements refer to. */
  uuidOf(u: U): string;
  /** A terminal update ends its stream once acknowledged. */
  isTerminal(u: U): boolean;
  describe(u: U): string;
}

export interface UpdateStore<U> {
  append(u: U): void;
  remove(u: U): void;
  /** Every unacknowledged update, oldest first. */
  loadAll(): U[];
}

interface AcknowledgedUpdatesOptions<U> {
  kind: UpdateKind<U>;
  store: UpdateStore<U>;
  clock: Clock;
  log: Logger;
  /** Sends toward the framework; returns false without a connection (the update stays queued). */
  forward(u: U): boolean;
  /** The stream's terminal update was acknowledged: whatever it was about is done. */
  onTerminalAcknowledged?(u: U): void;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

interface Stream<U> {
  queue: U[];
  timer?: TimerHandle;
  nextDelayMs: number;
}

const NONE: readonly never[] = Object.freeze([]);

export function createAcknowledgedUpdates<U>(options: AcknowledgedUpdatesOptions<U>) {
  const { kind, store } = options;
  const initialMs = options.retryInitialMs ?? 10_000;
  const maxMs = options.retryMaxMs ?? 600_000;
  const streams = new Map<string, Stream<U>>();
  /**
   * Updates queued over all streams. Usually none: an agent attaching asks for every task's
   * (report.ts), and building each stream's key to find an empty queue was a tenth of that.
   */
  let queued = 0;

  function streamFor(key: string): Stream<U> {
    let s = streams.get(key);
    if (!s) streams.set(key, (s = { queue: [], nextDelayMs: initialMs }));
    return s;
  }

  function sendHead(s: Stream<U>): void {
    s.timer?.cancel();
    s.timer = undefined;
    const head = s.queue[0];
    if (head === undefined) return;
    options.forward(head);
    const delay = s.nextDelayMs;
    s.nextDelayMs = Math.min(s.nextDelayMs * 2, maxMs);
    s.timer = options.clock.setTimeout(() => sendHead(s), delay);
  }

  return {
    /**
     * Checkpoints and queues an update; sends it now if nothing else of its stream is in flight.
     * `checkpointed` means the caller already stored it (in its own transaction).
     */
    update(u: U, options: { checkpointed?: boolean } = {}): void {
      const s = streamFor(kind.streamOf(u));
      const uuid = kind.uuidOf(u);
      if (s.queue.some((x) => kind.uuidOf(x) === uuid)) return;
      if (!options.checkpointed) store.append(u);
      s.queue.push(u);
      queued++;
      if (s.queue.length === 1) {
        s.nextDelayMs = initialMs;
        sendHead(s);
      }
    },

    /** Handles an acknowledgement; returns false (and logs) if it matched nothing in flight. */
    acknowledge(stream: string, uuid: string): boolean {
      const s = streams.get(stream);
      const head = s?.queue[0];
      if (!s || head === undefined || kind.uuidOf(head) !== uuid) {
        options.log.warn(`Ignoring unexpected acknowledgement ${uuid} for ${stream}`);
        return false;
      }
      store.remove(head);
      s.queue.shift();
      queued--;
      s.timer?.cancel();
      s.timer = undefined;
      if (kind.isTerminal(head) && s.queue.length === 0) {
        streams.delete(stream);
        options.onTerminalAcknowledged?.(head);
        return true;
      }
      s.nextDelayMs = initialMs;
      sendHead(s);
      return true;
    },

    /** Loads checkpointed updates after a restart (sends nothing; call `resendAll` once connected). */
    recover(): void {
      for (const u of store.loadAll()) {
        streamFor(kind.streamOf(u)).queue.push(u);
        queued++;
      }
    },

    /** Resends the head of every stream now, e.g. after (re-)registering with a master. */
    resendAll(): void {
      // Nothing queued, nothing in flight: no stream has a head to send or a timer to reset.
      if (queued === 0) return;
      for (const s of streams.values()) {
        s.nextDelayMs = initialMs;
        sendHead(s);
      }
    },

    /** Drops whole streams (and their checkpoints), e.g. of a framework that was shut down. */
    dropStreams(predicate: (stream: string) => boolean): void {
      for (const [key, s] of streams) {
        if (!predicate(key)) continue;
        s.timer?.cancel();
        for (const u of s.queue) store.remove(u);
        queued -= s.queue.length;
        streams.delete(key);
      }
    },

    /** Unacknowledged updates of a stream, oldest first. */
    pending(stream: string): readonly U[] {
      if (queued === 0) return NONE;
      return streams.get(stream)?.queue ?? NONE;
    },

    stop(): void {
      for (const s of streams.values()) s.timer?.cancel();
    },
  };
}
