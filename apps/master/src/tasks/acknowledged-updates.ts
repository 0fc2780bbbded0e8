/**
 * Per task, the uuid of the last status update its framework acknowledged. An agent that dies
 * before it checkpoints an acknowledgement, or never gets one because the master died first,
 * resends that update; the master answers it itself instead of showing it to the framework again
 * (Mesos shows it again). Kept in the registry so that holds across a master restart too.
 *
 * Writes are group-committed: every change of one turn of the event loop goes to the registry in
 * one transaction, and `committed()` resolves once it has; the ACKNOWLEDGE call is answered after
 * that, so a framework never hears "accepted" for an acknowledgement a crash could lose. Without a
 * store (--registry=in_memory: nothing outlives the process) they are kept in memory only.
 *
 * A row lives while the master may still hear the update again: it goes when the task leaves the
 * master (its framework's completed tasks are trimmed, the framework is forgotten), when the
 * agent re-registers without the task (it has nothing left to resend), or when the agent is marked
 * gone or removed (it will never resend anything).
 */
import { errorMessage, type Logger } from "@mesos/core";
import type { RegistryStore, StoredAcknowledgement } from "../registry/registry-store.ts";

export interface AcknowledgedUpdatesDeps {
  /** Where they are kept across a restart; undefined when nothing is (an in-memory registry). */
  store: Pick<RegistryStore, "writeAcknowledgements"> | undefined;
  log: Logger;
  /** What the registry held at start-up. */
  recovered?: readonly StoredAcknowledgement[];
  /** Runs a batch's commit after the current turn of the event loop (default: setImmediate). */
  defer?: (commit: () => void) => void;
}

interface Acknowledged {
  /** Its own copy (a decoded request's bytes are a view of its whole body). */
  uuid: Uint8Array;
  agentId: string;
}

/** A change waiting for the next commit: a row to write, or (undefined) a task to forget. */
type PendingChange = StoredAcknowledgement | undefined;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const NONE: ReadonlyMap<string, ReadonlySet<string>> = new Map();
const COMMITTED = Promise.resolve();

export class AcknowledgedUpdates {
  /** By framework, then task id. */
  private readonly byFramework = new Map<string, Map<string, Acknowledged>>();
  /** By agent, then framework: the task ids (a re-registering agent's rows are found without a scan). */
  private readonly byAgent = new Map<string, Map<string, Set<string>>>();
  /** By framework, then task id: the changes of this turn (the last one of a task wins). */
  private pending = new Map<string, Map<string, PendingChange>>();
  private batch: PromiseWithResolvers<void> | undefined;
  private readonly defer: (commit: () => void) => void;

  constructor(private readonly deps: AcknowledgedUpdatesDeps) {
    this.defer = deps.defer ?? ((commit) => setImmediate(commit));
    for (const row of deps.recovered ?? []) this.remember(row.frameworkId, row.taskId, { uuid: row.uuid, agentId: row.agentId });
  }

  /** Whether the framework acknowledged this very update of the task. */
  has(frameworkId: string, taskId: string, uuid: Uint8Array): boolean {
    const acked = this.byFramework.get(frameworkId)?.get(taskId);
    return acked !== undefined && sameBytes(acked.uuid, uuid);
  }

  /** The framework acknowledged an update of a task on an agent (it replaces the task's previous one). */
  record(frameworkId: string, taskId: string, agentId: string, uuid: Uint8Array): void {
    const own = uuid.slice();
    const acked = this.byFramework.get(frameworkId)?.get(taskId);
    // A task's next update on the same agent (the usual case, several a task): its row changes in place.
    if (acked?.agentId === agentId) acked.uuid = own;
    else {
      this.forgetInMemory(frameworkId, taskId);
      this.remember(frameworkId, taskId, { uuid: own, agentId });
    }
    this.change(frameworkId, taskId, { frameworkId, taskId, agentId, uuid: own });
  }

  /** The task left the master: nothing of it will be heard again. */
  forget(frameworkId: string, taskId: string): void {
    if (this.forgetInMemory(frameworkId, taskId)) this.change(frameworkId, taskId, undefined);
  }

  forgetFramework(frameworkId: string): void {
    for (const taskId of [...(this.byFramework.get(frameworkId)?.keys() ?? [])]) this.forget(frameworkId, taskId);
  }

  /** An agent re-registered: its tasks it did not report have nothing left to resend. */
  forgetUnreportedOn(agentId: string, reported: (frameworkId: string, taskId: string) => boolean): void {
    for (const [frameworkId, taskIds] of this.byAgent.get(agentId) ?? NONE) {
      // Copied only if one is to go (forgetting changes the set); after a failover none do.
      let unreported: string[] | undefined;
      for (const taskId of taskIds) if (!reported(frameworkId, taskId)) (unreported ??= []).push(taskId);
      for (const taskId of unreported ?? []) this.forget(frameworkId, taskId);
    }
  }

  /** The agent is gone or removed for good: none of its tasks' updates can come again. */
  forgetAgent(agentId: string): void {
    this.forgetUnreportedOn(agentId, () => false);
  }

  /** Resolves once every change made so far is in the registry. */
  committed(): Promise<void> {
    return this.batch?.promise ?? COMMITTED;
  }

  /** How many tasks have an acknowledged update remembered. */
  get size(): number {
    let n = 0;
    for (const tasks of this.byFramework.values()) n += tasks.size;
    return n;
  }

  // --- internals ---

  private remember(frameworkId: string, taskId: string, acked: Acknowledged): void {
    let tasks = this.byFramework.get(frameworkId);
    if (!tasks) this.byFramework.set(frameworkId, (tasks = new Map()));
    tasks.set(taskId, acked);
    let frameworks = this.byAgent.get(acked.agentId);
    if (!frameworks) this.byAgent.set(acked.agentId, (frameworks = new Map()));
    let taskIds = frameworks.get(frameworkId);
    if (!taskIds) frameworks.set(frameworkId, (taskIds = new Set()));
    taskIds.add(taskId);
  }

  private forgetInMemory(frameworkId: string, taskId: string): boolean {
    const tasks = this.byFramework.get(frameworkId);
    const acked = tasks?.get(taskId);
    if (!tasks || !acked) return false;
    tasks.delete(taskId);
    if (tasks.size === 0) this.byFramework.delete(frameworkId);
    const frameworks = this.byAgent.get(acked.agentId)!;
    const taskIds = frameworks.get(frameworkId)!;
    taskIds.delete(taskId);
    if (taskIds.size === 0) frameworks.delete(frameworkId);
    if (frameworks.size === 0) this.byAgent.delete(acked.agentId);
    return true;
  }

  private change(frameworkId: string, taskId: string, change: PendingChange): void {
    if (!this.deps.store) return;
    let tasks = this.pending.get(frameworkId);
    if (!tasks) this.pending.set(frameworkId, (tasks = new Map()));
    tasks.set(taskId, change);
    if (this.batch) return;
    this.batch = Promise.withResolvers<void>();
    this.batch.promise.catch(() => {}); // logged in commit(); a caller awaiting it still sees the failure
    this.defer(() => this.commit());
  }

  private commit(): void {
    const batch = this.batch!;
    const changes = this.pending;
    this.batch = undefined;
    this.pending = new Map();
    const written: StoredAcknowledgement[] = [];
    const forgotten: { frameworkId: string; taskId: string }[] = [];
    for (const [frameworkId, tasks] of changes) {
      for (const [taskId, change] of tasks) {
        if (change) written.push(change);
        else forgotten.push({ frameworkId, taskId });
      }
    }
    this.deps.store!.writeAcknowledgements({ written, forgotten }).then(batch.resolve, (e) => {
      this.deps.log.error(`Failed to write ${written.length + forgotten.length} acknowledgements to the registry: ${errorMessage(e)}`);
      batch.reject(e);
    });
  }
}
