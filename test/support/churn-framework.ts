/**
 * A framework for fault suites: it keeps launching short tasks on whatever it is offered while
 * agents or masters are killed, acknowledges every update, re-subscribes with its id when the
 * master goes away, and keeps the books the suites check: per task, every state it was shown, and
 * every update shown again after it was acknowledged.
 */
import { isTerminalState } from "@mesos/core";
import { subscribe, type Subscription } from "@mesos/client";
import {
  type FrameworkInfo_Capability_Type,
  Offer_Operation_Type,
  type Offer,
  scheduler,
  TaskState,
  type TaskStatus,
  TaskStatus_Reason,
  Value_Type,
} from "@mesos/proto";
import { eventually } from "./cluster.ts";

export interface ChurnOptions {
  /** What each task runs (default: a short sleep). */
  command?: (n: number) => string;
  tasksPerOffer?: number;
  capabilities?: FrameworkInfo_Capability_Type[];
  name?: string;
}

export interface ChurnCounts {
  launched: number;
  /** Tasks the framework saw reach a terminal state. */
  terminal: number;
  /** Updates with a uuid shown again after the framework had acknowledged that uuid. */
  duplicatedAfterAck: number;
  /**
   * Tasks whose ACCEPT call failed (the master went away): the master may or may not have taken
   * them; reconciliation answers LOST for those it had not.
   */
  acceptFailed: number;
  /** Tasks that ended LOST, DROPPED, GONE or UNKNOWN. */
  lost: number;
  /** ... of which had been seen RUNNING (lost work, not a launch that never happened). */
  lostAfterRunning: number;
  /** Tasks shown two different terminal states. */
  conflicting: number;
  /** Launched tasks not terminal. */
  open: number;
  resubscriptions: number;
}

// A tenth of a 2-cpu agent each: as many containers start at once as a small agent would run.
const TASK_CPUS = 0.2;
const TASK_MEM = 16;
const scalar = (offer: Offer, name: string) => offer.resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);

const LOST = new Set([TaskState.TASK_LOST, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR, TaskState.TASK_UNKNOWN]);

export interface ChurnFramework {
  readonly frameworkId: string;
  /** Updates per task id, in the order shown (reconciliation answers have no uuid). */
  readonly updates: Map<string, TaskStatus[]>;
  stopLaunching(): void;
  /** Waits until every launched task is terminal, asking the master to reconcile the others meanwhile. */
  settle(timeoutMs: number): Promise<void>;
  counts(): ChurnCounts;
  close(): void;
}

export async function startChurnFramework(masterUrl: string, options: ChurnOptions = {}): Promise<ChurnFramework> {
  const command = options.command ?? ((n) => `sleep 0.${1 + (n % 5)}`);
  const perOffer = options.tasksPerOffer ?? 2;
  const info = {
    user: "root",
    name: options.name ?? "churn",
    checkpoint: true,
    failoverTimeout: 3600,
    capabilities: (options.capabilities ?? []).map((type) => ({ type })),
  };
  const updates = new Map<string, TaskStatus[]>();
  const agents = new Map<string, string>();
  /** When the acknowledgement of each update (uuid, hex) was answered. */
  const acked = new Map<string, number>();
  /**
   * Tasks whose ACCEPT has not been answered: not reconciled meanwhile, since the master answers a
   * reconciliation that overtakes the launch with TASK_LOST (the task is unknown to it yet), and
   * the task then runs and ends a second time.
   */
  const accepting = new Set<string>();
  let duplicatedAfterAck = 0;
  let launching = true;
  let closed = false;
  let next = 0;
  let resubscriptions = 0;
  let acceptFailed = 0;

  let sub: Subscription = await subscribe(masterUrl, info);
  const frameworkId = sub.frameworkId;

  async function onOffers(offers: Offer[]): Promise<void> {
    for (const offer of offers) {
      if (!launching) {
        await sub.decline([offer.id!.value], 1).catch(() => {});
        continue;
      }
      const fits = Math.min(perOffer, Math.floor(scalar(offer, "cpus") / TASK_CPUS + 1e-9), Math.floor(scalar(offer, "mem") / TASK_MEM));
      if (fits === 0) {
        await sub.decline([offer.id!.value], 0).catch(() => {});
        continue;
      }
      const tasks = Array.from({ length: fits }, () => {
        const n = next++;
        const id = `task-${n}`;
        updates.set(id, []);
        agents.set(id, offer.agentId!.value);
        return {
          name: id,
          taskId: { value: id },
          agentId: offer.agentId,
          command: { value: command(n) },
          resources: [
            { name: "cpus", type: Value_Type.SCALAR, scalar: { value: TASK_CPUS } },
            { name: "mem", type: Value_Type.SCALAR, scalar: { value: TASK_MEM } },
          ],
        };
      });
      for (const t of tasks) accepting.add(t.name);
      const ok = await sub.accept([offer.id!.value], [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: tasks } }], 0).then(
        () => true,
        () => false,
      );
      for (const t of tasks) accepting.delete(t.name);
      if (!ok) {
        // The master is gone: the rest of these offers went with it.
        acceptFailed += tasks.length;
        return;
      }
    }
  }

  /**
   * Events are taken off the stream as they arrive and handled one at a time. An update counts as
   * shown again after its acknowledgement only if it arrived after the acknowledgement was answered:
   * copies the agent resent (every 10 s until acknowledged) that arrived while this framework was
   * still busy with earlier events are Mesos's at-least-once delivery, not a forgotten acknowledgement.
   */
  async function consume(current: Subscription): Promise<void> {
    const arrived: { event: scheduler.Event; at: number }[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    void (async () => {
      try {
        for await (const event of current.events) {
          arrived.push({ event, at: performance.now() });
          wake?.();
        }
      } catch {}
      ended = true;
      wake?.();
    })();
    for (;;) {
      const next = arrived.shift();
      if (!next) {
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const { event, at } = next;
      if (event.type === scheduler.Event_Type.OFFERS) await onOffers(event.offers!.offers);
      if (event.type !== scheduler.Event_Type.UPDATE) continue;
      const status = event.update!.status!;
      const id = status.taskId!.value;
      const seen = updates.get(id) ?? [];
      updates.set(id, seen);
      seen.push(status);
      if (status.uuid.length === 0) continue;
      const uuid = Buffer.from(status.uuid).toString("hex");
      const ackedAt = acked.get(uuid);
      if (ackedAt !== undefined && ackedAt < at) duplicatedAfterAck++;
      await inTurn(() =>
        current.acknowledge(status).then(
          () => ackedAt === undefined && acked.set(uuid, performance.now()),
          () => {},
        ),
      );
    }
  }

  /** Re-subscribes with the framework's id until a master takes it (the old stream ended). */
  async function keepSubscribed(): Promise<void> {
    while (!closed) {
      await consume(sub);
      if (closed) return;
      for (;;) {
        try {
          sub = await subscribe(masterUrl, { ...info, id: { value: frameworkId } });
          resubscriptions++;
          // Answered before the new stream's updates are acknowledged (see `inTurn`).
          await reconcileOpen();
          break;
        } catch {
          if (closed) return;
          await Bun.sleep(100);
        }
      }
    }
  }
  void keepSubscribed();

  const terminal = (id: string) => (updates.get(id) ?? []).some((s) => isTerminalState(s.state));
  const openTasks = () => [...updates.keys()].filter((id) => !terminal(id));
  const toReconcile = () => openTasks().filter((id) => !accepting.has(id));

  /**
   * Acknowledgements and reconciliations go one at a time, each answered before the next is sent
   * (calls on different connections reach the master in any order). Otherwise a reconciliation
   * listing a task that was open when the list was made can reach the master after the
   * acknowledgement of the task's terminal update: the master has forgotten the task by then and
   * answers TASK_LOST ("unknown to the agent", as Mesos 1.8 does), a second terminal state.
   */
  let lastCall: Promise<unknown> = Promise.resolve();
  function inTurn<T>(call: () => Promise<T>): Promise<T> {
    const result = lastCall.then(call);
    lastCall = result.catch(() => {});
    return result;
  }
  /** Asks the master about the open tasks, listed when the call's turn comes. */
  const reconcileOpen = () => inTurn(() => sub.reconcile(toReconcile().map((taskId) => ({ taskId, agentId: agents.get(taskId) })))).catch(() => {});

  return {
    frameworkId,
    updates,
    stopLaunching: () => void (launching = false),
    async settle(timeoutMs) {
      let asked = 0;
      await eventually(
        async () => {
          if (Date.now() - asked > 2000) {
            asked = Date.now();
            await reconcileOpen();
          }
          return openTasks().length === 0;
        },
        timeoutMs,
        "every launched task to be terminal",
      ).catch((e) => {
        throw new Error(
          `${(e as Error).message}; open: ${openTasks()
            .map((id) => `${id} [${describeUpdates(updates.get(id)!)}]`)
            .join("; ")}`,
        );
      });
    },
    counts() {
      let lost = 0;
      let lostAfterRunning = 0;
      let conflicting = 0;
      let done = 0;
      for (const seen of updates.values()) {
        const ends = new Set(seen.map((s) => s.state).filter(isTerminalState));
        if (ends.size > 0) done++;
        if (ends.size > 1) conflicting++;
        if ([...ends].some((s) => LOST.has(s))) {
          lost++;
          if (seen.some((s) => s.state === TaskState.TASK_RUNNING)) lostAfterRunning++;
        }
      }
      return {
        launched: updates.size,
        acceptFailed,
        terminal: done,
        duplicatedAfterAck,
        lost,
        lostAfterRunning,
        conflicting,
        open: updates.size - done,
        resubscriptions,
      };
    },
    close() {
      closed = true;
      sub.close();
    },
  };
}

/** `TASK_RUNNING*` (uuid-carrying update) or `TASK_RUNNING?` (reconciliation), with reasons and messages. */
export function describeUpdates(updates: readonly TaskStatus[]): string {
  return updates
    .map(
      (s) =>
        `${TaskState[s.state]}${s.uuid.length > 0 ? "*" : "?"}${s.reason ? `(${TaskStatus_Reason[s.reason]}${s.message ? `: ${s.message}` : ""})` : ""}`,
    )
    .join(", ");
}
