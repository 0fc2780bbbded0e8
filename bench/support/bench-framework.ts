/**
 * A framework for the master benchmarks: it launches as many small tasks as its offers hold (while
 * `launching`), acknowledges every update, and records for each task when its ACCEPT was sent and
 * when TASK_RUNNING arrived.
 */
import { subscribe, type Subscription } from "@mesos/client";
import { isTerminalState } from "@mesos/core";
import { Offer_Operation_Type, type Offer, scheduler, TaskState, Value_Type } from "@mesos/proto";

export interface BenchFrameworkOptions {
  name: string;
  /** The tasks' command (hollow agents run `sleep N` for N seconds). */
  command: string;
  cpus?: number;
  mem?: number;
  /** At most this many tasks per offer. */
  perOffer?: number;
  failoverTimeout?: number;
}

export interface BenchFramework {
  sub: Subscription;
  frameworkId: string;
  launching: boolean;
  /** Task id -> when its ACCEPT went out (performance.now()). */
  accepted: Map<string, number>;
  /** ACCEPT -> TASK_RUNNING, in ms, with the time RUNNING arrived. */
  running: { at: number; latency: number }[];
  /** Tasks that ended other than FINISHED (their state names). */
  failures: Map<string, number>;
  finished: number;
  close(): void;
}

const scalar = (offer: Offer, name: string) => offer.resources.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);

export async function startBenchFramework(master: string, o: BenchFrameworkOptions): Promise<BenchFramework> {
  const cpus = o.cpus ?? 0.1;
  const mem = o.mem ?? 32;
  const sub = await subscribe(master, { user: "root", name: o.name, failoverTimeout: o.failoverTimeout ?? 0 });
  let next = 0;
  const fw: BenchFramework = {
    sub,
    frameworkId: sub.frameworkId,
    launching: true,
    accepted: new Map(),
    running: [],
    failures: new Map(),
    finished: 0,
    close: () => sub.close(),
  };

  const launch = (offer: Offer) => {
    if (!fw.launching) return sub.decline([offer.id!.value], 1).catch(() => {});
    const fit = Math.min(o.perOffer ?? 1000, Math.floor(scalar(offer, "cpus") / cpus + 1e-9), Math.floor(scalar(offer, "mem") / mem));
    if (fit <= 0) return sub.decline([offer.id!.value], 1).catch(() => {});
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
    return sub.accept([offer.id!.value], [{ type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: tasks } }], 0).catch(() => {});
  };

  void (async () => {
    try {
      for await (const event of sub.events) {
        if (event.type === scheduler.Event_Type.OFFERS) {
          for (const offer of event.offers!.offers) void launch(offer);
        } else if (event.type === scheduler.Event_Type.UPDATE) {
          const status = event.update!.status!;
          const id = status.taskId!.value;
          if (status.state === TaskState.TASK_RUNNING) {
            const at = performance.now();
            const sent = fw.accepted.get(id);
            if (sent !== undefined) fw.running.push({ at, latency: at - sent });
          } else if (status.state === TaskState.TASK_FINISHED) {
            fw.finished++;
          } else if (isTerminalState(status.state)) {
            const name = TaskState[status.state];
            fw.failures.set(name, (fw.failures.get(name) ?? 0) + 1);
          }
          if (status.uuid.length > 0) void sub.acknowledge(status).catch(() => {});
        }
      }
    } catch {}
  })();
  return fw;
}
