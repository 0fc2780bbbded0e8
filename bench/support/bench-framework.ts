/**
 * A framework for the master benchmarks: it launches as many small tasks as its offers hold (while
 * `launching`, up to `maxTasks`), acknowledges every update, and records for each task when its
 * ACCEPT was sent and when TASK_RUNNING arrived. When the master goes away it subscribes again
 * with its id and reconciles every task it has running until each is confirmed.
 *
 * The frameworks of a process send at most 48 calls at a time, the rest queued: Bun's fetch keeps 64
 * idle connections per host, so a framework answering an OFFERS event of 5,000 offers with 5,000
 * concurrent ACCEPTs opened about 5,000 new connections to the master, whose accept queue then
 * overflowed (the kernel dropped the SYNs; clients retried after 1, 3, 7 s...) and 100,000 tasks on
 * 10,000 agents never finished launching. A real framework keeps a few connections open too.
 */
import { subscribe, type Subscription } from "@mesos/client";
import { isTerminalState } from "@mesos/core";
import { Offer_Operation_Type, type Offer, scheduler, TaskState, TaskStatus_Reason, Value_Type } from "@mesos/proto";
import { probeWaitMs, RECONCILE_RETRY_MIN_MS, reconcileRetryMs } from "./reconcile-pacing.ts";
import { AgentProbes, type TaskToAsk } from "./reconcile-probes.ts";

export interface BenchFrameworkOptions {
  name: string;
  /** The tasks' command (hollow agents run `sleep N` for N seconds). */
  command: string;
  cpus?: number;
  mem?: number;
  /** At most this many tasks per offer. */
  perOffer?: number;
  /** Stop launching after this many tasks. */
  maxTasks?: number;
  /** At most this many tasks launched and not yet RUNNING (or ended). */
  maxInFlight?: number;
  failoverTimeout?: number;
  /** How long an offer it declines while still launching stays away (Filters.refuse_seconds; default 1). */
  refuseSeconds?: number;
}

export interface BenchFramework {
  frameworkId: string;
  launching: boolean;
  /** Task id -> when its ACCEPT went out (performance.now()). */
  accepted: Map<string, number>;
  /** ACCEPT -> TASK_RUNNING, in ms, with the time RUNNING arrived. */
  running: { at: number; latency: number }[];
  /** Tasks running now, with their agents. */
  live: Map<string, string>;
  /** Tasks that ended other than FINISHED (their state names). */
  failures: Map<string, number>;
  finished: number;
  /** When this framework last subscribed again after losing the master (performance.now()). */
  resubscribedAt?: number;
  /** Tasks the master confirmed RUNNING in reconciliation since the last re-subscription. */
  reconciled: Set<string>;
  /** When reconciliation last confirmed every running task (performance.now()). */
  reconciledAt?: number;
  /**
   * Whether it asks about one task per agent until the agent has answered (reconcile-probes.ts;
   * the default), or about every unanswered task each round (read at each re-subscription).
   */
  reconcileByAgent: boolean;
  /** RECONCILE calls sent, and the tasks they asked about, since the last re-subscription. */
  reconcileCalls: number;
  reconcileAsked: number;
  /** Acknowledgements queued or sent and not yet answered (0: the agents have been told of every update). */
  acknowledging: number;
  close(): void;
}

/** How long the other tasks of agents just heard of wait for those of agents heard of in the next events. */
const FOLLOW_UP_GATHER_MS = 10;

/** Shared by the frameworks of a process (they share its connections). */
const queued = callQueue(48);

/** Runs calls at most `limit` at a time, in the order given. */
function callQueue(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await call();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

const scalar = (offer: Offer, name: string) => offer.resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);

export async function startBenchFramework(master: string, o: BenchFrameworkOptions): Promise<BenchFramework> {
  const cpus = o.cpus ?? 0.1;
  const mem = o.mem ?? 32;
  const info = { user: "root", name: o.name, failoverTimeout: o.failoverTimeout ?? 0 };
  let sub: Subscription = await subscribe(master, info);
  let closed = false;
  let next = 0;
  const fw: BenchFramework = {
    frameworkId: sub.frameworkId,
    launching: true,
    accepted: new Map(),
    running: [],
    live: new Map(),
    failures: new Map(),
    finished: 0,
    reconciled: new Set(),
    reconcileByAgent: true,
    reconcileCalls: 0,
    reconcileAsked: 0,
    acknowledging: 0,
    close() {
      closed = true;
      sub.close();
    },
  };

  /** Which agents the master has answered about since the last re-subscription (reconciling by agent). */
  let agentProbes: AgentProbes | undefined;
  /** Set while reconciliation waits: an agent heard of for the first time wakes it (its other tasks are asked at once). */
  let wake: (() => void) | undefined;

  let pending = 0;
  /** Launches on what the offers hold, within the limits; the other offers go back in one DECLINE. */
  const onOffers = (offers: Offer[]) => {
    const unused: string[] = [];
    for (const offer of offers) if (!launch(offer)) unused.push(offer.id!.value);
    if (unused.length > 0) void queued(() => sub.decline(unused, doneLaunching() ? 3600 : (o.refuseSeconds ?? 1))).catch(() => {});
  };
  const doneLaunching = () => !fw.launching || fw.accepted.size >= (o.maxTasks ?? Number.POSITIVE_INFINITY);
  const launch = (offer: Offer): boolean => {
    const room = Math.min((o.maxTasks ?? Number.POSITIVE_INFINITY) - fw.accepted.size, (o.maxInFlight ?? Number.POSITIVE_INFINITY) - pending);
    if (!fw.launching || room <= 0) return false;
    const fit = Math.min(o.perOffer ?? 1000, room, Math.floor(scalar(offer, "cpus") / cpus + 1e-9), Math.floor(scalar(offer, "mem") / mem));
    if (fit <= 0) return false;
    pending += fit;
    const now = performance.now();
    const tasks = Array.from({ length: fit }, () => {
      const id = `${o.name}-${next++}`;
      fw.accepted.set(id, now);
      return {
        name: id,
        taskId: { value: id },
        agentId: offer.agentId,
        command: { value: o.command },
        resources: [
          { name: "cpus", type: Value_Type.SCALAR, scalar: { value: cpus } },
          { name: "mem", type: Value_Type.SCALAR, scalar: { value: mem } },
        ],
      };
    });
    const accept = () => sub.accept([offer.id!.value], [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: tasks } }], 0);
    void queued(accept).catch(() => {});
    return true;
  };

  async function consume(current: Subscription): Promise<void> {
    try {
      for await (const event of current.events) {
        if (event.type === scheduler.Event_Type.OFFERS) {
          onOffers(event.offers!.offers);
          continue;
        }
        if (event.type !== scheduler.Event_Type.UPDATE) continue;
        const status = event.update!.status!;
        const id = status.taskId!.value;
        if (status.reason === TaskStatus_Reason.RECONCILIATION) {
          if (status.state === TaskState.TASK_RUNNING) fw.reconciled.add(id);
          const agentId = status.agentId?.value;
          if (agentId && agentProbes?.answered(agentId)) wake?.();
          if (fw.reconciled.size >= fw.live.size) fw.reconciledAt ??= performance.now();
        } else if (status.state === TaskState.TASK_RUNNING) {
          const at = performance.now();
          const sent = fw.accepted.get(id);
          if (sent !== undefined && !fw.live.has(id)) {
            fw.running.push({ at, latency: at - sent });
            pending--;
          }
          fw.live.set(id, status.agentId!.value);
        } else if (status.state === TaskState.TASK_FINISHED) {
          fw.finished++;
          fw.live.delete(id);
        } else if (isTerminalState(status.state)) {
          if (!fw.live.has(id)) pending--;
          const name = TaskState[status.state];
          fw.failures.set(name, (fw.failures.get(name) ?? 0) + 1);
          fw.live.delete(id);
        }
        // Dropped if the master changed before its turn came: the new one does not know the update.
        if (status.uuid.length > 0) {
          fw.acknowledging++;
          void queued(async () => (current === sub ? current.acknowledge(status) : undefined))
            .catch(() => {})
            .finally(() => fw.acknowledging--);
        }
      }
    } catch {}
  }

  /** Subscribes again with the framework's id until a master takes it, then reconciles its running tasks. */
  async function keepSubscribed(): Promise<void> {
    while (!closed) {
      await consume(sub);
      while (!closed) {
        try {
          // With nothing left to launch it wants no offers (Mesos 1.8's SUBSCRIBE.suppressed_roles): a
          // restarted master has lost the hour-long declines, and offering all 10,000 agents' spare
          // resources to frameworks that decline them was a tenth of its failover CPU.
          const suppressedRoles = doneLaunching() ? ["*"] : [];
          sub = await subscribe(master, { ...info, id: { value: fw.frameworkId } }, { suppressedRoles });
          break;
        } catch {
          await Bun.sleep(100);
        }
      }
      if (closed) return;
      fw.resubscribedAt = performance.now();
      fw.reconciled.clear();
      fw.reconciledAt = undefined;
      agentProbes = fw.reconcileByAgent ? new AgentProbes() : undefined;
      fw.reconcileCalls = 0;
      fw.reconcileAsked = 0;
      void reconcileUntilConfirmed(sub);
    }
  }

  /** One RECONCILE call (not queued behind the acknowledgements), counted. */
  async function ask(current: Subscription, tasks: TaskToAsk[], probes: number): Promise<void> {
    fw.reconcileCalls++;
    fw.reconcileAsked += tasks.length;
    const sentAt = Date.now();
    await current.reconcile(tasks).catch(() => {});
    // RECONCILE_LOG=1: each call's epoch ms (sent, answered) beside the hollow agents' "last back at epoch ms".
    if (process.env.RECONCILE_LOG)
      console.log(
        `  ${info.name}: RECONCILE of ${tasks.length} (${probes} probes) sent at epoch ms ${sentAt}, answered ${Date.now() - sentAt} ms later; ${fw.live.size - fw.reconciled.size} unanswered then`,
      );
  }

  /**
   * Asks about its running tasks until each is answered: the master stays silent about a task on an
   * agent it knew before its restart that has not re-registered yet. By agent (the default): one
   * task per agent not heard of yet, in rounds paced by their number (reconcile-pacing.ts), and the
   * other tasks of an agent as soon as the master has answered about one of them
   * (reconcile-probes.ts). Otherwise every unanswered task each round, after a wait that grows with
   * how many are left.
   */
  async function reconcileUntilConfirmed(current: Subscription): Promise<void> {
    const unanswered = () => {
      const tasks: [string, string][] = [];
      for (const entry of fw.live) if (!fw.reconciled.has(entry[0])) tasks.push(entry);
      return tasks;
    };
    const isAnswered = (taskId: string) => fw.reconciled.has(taskId);
    const agents = agentProbes;
    let probeAt = 0;
    let silentRounds = 0;
    for (;;) {
      if (closed || current !== sub) return;
      if (agents === undefined) {
        const tasks = unanswered();
        if (tasks.length === 0) return;
        await ask(
          current,
          tasks.map(([taskId, agentId]) => ({ taskId, agentId })),
          tasks.length,
        );
        // The answers follow the call's own on the event stream: counted after they have had time to come.
        await Bun.sleep(RECONCILE_RETRY_MIN_MS);
        await Bun.sleep(reconcileRetryMs(fw.live.size - fw.reconciled.size) - RECONCILE_RETRY_MIN_MS);
        continue;
      }
      if (performance.now() >= probeAt) {
        if (agents.exhausted) {
          const tasks = unanswered();
          if (tasks.length === 0) return;
          agents.scan(tasks);
        }
        const probes = agents.probes();
        const tasks = agents.hasFollowUps ? [...agents.followUps(isAnswered), ...probes] : probes;
        silentRounds = agents.heardOf === 0 ? silentRounds + 1 : 0;
        if (tasks.length > 0) await ask(current, tasks, probes.length);
        probeAt = performance.now() + probeWaitMs(probes.length, silentRounds);
      } else {
        const tasks = agents.followUps(isAnswered);
        if (tasks.length > 0) await ask(current, tasks, 0);
      }
      // Until the next round, or an agent heard of for the first time: its other tasks are asked a
      // moment later, with those of the agents answered about in the same chunks of events.
      if (!agents.hasFollowUps) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, probeAt - performance.now()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      if (performance.now() < probeAt) await Bun.sleep(FOLLOW_UP_GATHER_MS);
    }
  }
  void keepSubscribed();
  return fw;
}
