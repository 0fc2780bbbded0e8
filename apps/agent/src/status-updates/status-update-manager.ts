/**
 * The agent's status update manager: Mesos's at-least-once contract for task status updates.
 * Every update is checkpointed before it is sent; per task one update is in flight at a time and is
 * resent (10 s doubling to 10 min) until the framework's acknowledgement comes back through the
 * master. After a restart, unacknowledged updates are loaded and resent in order.
 */
import { type Clock, type Logger, type TimerHandle, isTerminalState, uuidFromBytes } from "@mesos/core";
import type { TaskStatus } from "@mesos/proto";

export interface PendingUpdate {
  frameworkId: string;
  taskId: string;
  /** Status with `uuid` set: the identity the acknowledgement refers to. */
  status: TaskStatus;
}

/** Where updates are checkpointed; the agent's SQLite state implements it. */
export interface StatusUpdateStore {
  append(update: PendingUpdate): void;
  remove(frameworkId: string, taskId: string, uuid: string): void;
  removeFramework(frameworkId: string): void;
  /** Every unacknowledged update, oldest first. */
  loadAll(): PendingUpdate[];
}

export interface StatusUpdateManagerOptions {
  store: StatusUpdateStore;
  clock: Clock;
  log: Logger;
  /** Sends to the master; returns false if there is no connection (the update stays queued). */
  forward(update: PendingUpdate): boolean;
  /** Called once the terminal update of a task is acknowledged: the task is done on this agent. */
  onTerminalAcknowledged?(frameworkId: string, taskId: string): void;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

interface Stream {
  queue: PendingUpdate[];
  timer?: TimerHandle;
  nextDelayMs: number;
}

const key = (frameworkId: string, taskId: string) => `${frameworkId}\u0000${taskId}`;
export const uuidOf = (status: TaskStatus) => uuidFromBytes(status.uuid!);

export function createStatusUpdateManager(options: StatusUpdateManagerOptions) {
  const initialMs = options.retryInitialMs ?? 10_000;
  const maxMs = options.retryMaxMs ?? 600_000;
  const streams = new Map<string, Stream>();

  function streamFor(frameworkId: string, taskId: string): Stream {
    const k = key(frameworkId, taskId);
    let s = streams.get(k);
    if (!s) streams.set(k, (s = { queue: [], nextDelayMs: initialMs }));
    return s;
  }

  function sendHead(s: Stream): void {
    s.timer?.cancel();
    s.timer = undefined;
    const head = s.queue[0];
    if (!head) return;
    options.forward(head);
    const delay = s.nextDelayMs;
    s.nextDelayMs = Math.min(s.nextDelayMs * 2, maxMs);
    s.timer = options.clock.setTimeout(() => sendHead(s), delay);
  }

  return {
    /** Checkpoints and queues an update; sends it now if nothing else of the task is in flight. */
    update(update: PendingUpdate): void {
      if (!update.status.uuid) throw new Error("status update without uuid");
      const s = streamFor(update.frameworkId, update.taskId);
      const uuid = uuidOf(update.status);
      if (s.queue.some((u) => uuidOf(u.status) === uuid)) return;
      options.store.append(update);
      s.queue.push(update);
      if (s.queue.length === 1) {
        s.nextDelayMs = initialMs;
        sendHead(s);
      }
    },

    /** Handles an acknowledgement; returns false if it matched nothing in flight. */
    acknowledge(frameworkId: string, taskId: string, uuid: string): boolean {
      const s = streams.get(key(frameworkId, taskId));
      const head = s?.queue[0];
      if (!s || !head || uuidOf(head.status) !== uuid) {
        options.log.warn(`Ignoring unexpected acknowledgement ${uuid} for task ${taskId} of framework ${frameworkId}`);
        return false;
      }
      options.store.remove(frameworkId, taskId, uuid);
      s.queue.shift();
      s.timer?.cancel();
      s.timer = undefined;
      if (isTerminalState(head.status.state) && s.queue.length === 0) {
        streams.delete(key(frameworkId, taskId));
        options.onTerminalAcknowledged?.(frameworkId, taskId);
        return true;
      }
      s.nextDelayMs = initialMs;
      sendHead(s);
      return true;
    },

    /** Loads checkpointed updates after a restart (does not send; call `resendAll` once connected). */
    recover(): void {
      for (const u of options.store.loadAll()) streamFor(u.frameworkId, u.taskId).queue.push(u);
    },

    /** Resends the head of every stream now, e.g. after (re-)registering with a master. */
    resendAll(): void {
      for (const s of streams.values()) {
        s.nextDelayMs = initialMs;
        sendHead(s);
      }
    },

    /** Drops every stream of a framework that was shut down. */
    removeFramework(frameworkId: string): void {
      for (const [k, s] of streams) {
        if (!k.startsWith(frameworkId + "\u0000")) continue;
        s.timer?.cancel();
        streams.delete(k);
      }
      options.store.removeFramework(frameworkId);
    },

    /** Updates not yet acknowledged for a task (the latest is what re-registration reports). */
    pending(frameworkId: string, taskId: string): readonly PendingUpdate[] {
      return streams.get(key(frameworkId, taskId))?.queue ?? [];
    },

    stop(): void {
      for (const s of streams.values()) s.timer?.cancel();
    },
  };
}

export type StatusUpdateManager = ReturnType<typeof createStatusUpdateManager>;
