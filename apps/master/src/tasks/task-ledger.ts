/**
 * The TaskLedger: where the master keeps tasks, and the only code that moves them. A task is
 * active (launched, on its agent), unreachable (a partition-aware framework's task on an
 * unreachable agent; off the agent, may come back) or completed (the framework's last
 * --max_completed_tasks_per_framework). Every move tells operator API subscribers (TASK_ADDED,
 * TASK_UPDATED) and gives the resources of a task that stops running back to the allocator.
 */
import { type Clock, isTerminalState, type Metrics, Resources } from "@mesos/core";
import { clearField, clone, create, isFieldSet } from "@bufbuild/protobuf";
import {
  master,
  type Resource,
  type Task,
  TaskSchema,
  TaskState,
  type TaskStatus,
  TaskStatus_Reason,
  TaskStatus_Source,
  TaskStatusSchema,
} from "@mesos/proto";
import type { Allocator } from "../allocator/allocator.ts";
import type { OperatorEventBus } from "../operator/operator-event-bus.ts";
import type { AcknowledgedUpdates } from "./acknowledged-updates.ts";

const MAX_STATUSES_PER_TASK = 64;
const NONE: ReadonlyMap<string, Task> = new Map();

export interface TaskLedgerDeps {
  clock: Clock;
  metrics: Metrics;
  maxCompletedPerFramework: number;
  allocator: Pick<Allocator, "recoverResources">;
  events: Pick<OperatorEventBus, "publish">;
  /** The last acknowledged update of each task (kept in the registry). */
  acknowledged: AcknowledgedUpdates;
  /** Asks for an allocation cycle soon (resources came back). */
  triggerAllocation(agentId?: string): void;
}

interface FrameworkTasks {
  readonly active: Map<string, Task>;
  readonly unreachable: Map<string, Task>;
  readonly completed: Task[];
  /** The framework was removed: its tasks are all completed and nothing new is added. */
  removed: boolean;
}

const frameworkOf = (task: Task) => task.frameworkId!.value;
const agentOf = (task: Task) => task.agentId!.value;
const idOf = (task: Task) => task.taskId!.value;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class TaskLedger {
  private readonly frameworks = new Map<string, FrameworkTasks>();
  /** Active tasks by agent, then framework, then task id. */
  private readonly agents = new Map<string, Map<string, Map<string, Task>>>();
  /** Per framework and per agent, a number that changes whenever one of its tasks does (see `revision`). */
  private readonly revisions = new Map<string, number>();
  private readonly agentRevisions = new Map<string, number>();
  /** Per framework, how many of its tasks reached each terminal state (Mesos's `tasks/terminal/*`). */
  private readonly terminal = new Map<string, Map<TaskState, number>>();
  private lastRevision = 0;

  constructor(private readonly deps: TaskLedgerDeps) {}

  // --- reading ---

  /** A framework's active tasks by id. */
  active(frameworkId: string): ReadonlyMap<string, Task> {
    return this.frameworks.get(frameworkId)?.active ?? NONE;
  }

  unreachable(frameworkId: string): ReadonlyMap<string, Task> {
    return this.frameworks.get(frameworkId)?.unreachable ?? NONE;
  }

  completed(frameworkId: string): readonly Task[] {
    return this.frameworks.get(frameworkId)?.completed ?? [];
  }

  /** An active or unreachable task: one the framework may still hear about. */
  known(frameworkId: string, taskId: string): Task | undefined {
    const tasks = this.frameworks.get(frameworkId);
    return tasks?.active.get(taskId) ?? tasks?.unreachable.get(taskId);
  }

  /** `known` for many tasks of one framework (a reconciliation): the framework is looked up once. */
  knownOf(frameworkId: string): (taskId: string) => Task | undefined {
    const tasks = this.frameworks.get(frameworkId);
    if (!tasks) return () => undefined;
    const { active, unreachable } = tasks;
    return (taskId) => active.get(taskId) ?? unreachable.get(taskId);
  }

  /**
   * A number that changes whenever one of the framework's tasks is added, moves, or gets a new
   * state, status or agent, and only then: the read model keeps its encodings of a framework's tasks
   * while it stays the same.
   */
  revision(frameworkId: string): number {
    return this.revisions.get(frameworkId) ?? 0;
  }

  /** The same for the active tasks on an agent: changes when one comes, goes or gets a new state. */
  agentRevision(agentId: string): number {
    return this.agentRevisions.get(agentId) ?? 0;
  }

  /** How many of the framework's tasks reached each terminal state while this master ran. */
  terminalCounts(frameworkId: string): ReadonlyMap<TaskState, number> {
    return this.terminal.get(frameworkId) ?? new Map();
  }

  /** The active tasks on an agent. */
  onAgent(agentId: string): Task[] {
    const out: Task[] = [];
    for (const tasks of this.agents.get(agentId)?.values() ?? []) for (const t of tasks.values()) out.push(t);
    return out;
  }

  /** An active task, found through its agent (a status update names both). */
  onAgentById(agentId: string, frameworkId: string, taskId: string): Task | undefined {
    return this.agents.get(agentId)?.get(frameworkId)?.get(taskId);
  }

  /** Whether the framework acknowledged this update of the task (a resent one). */
  wasAcknowledged(frameworkId: string, taskId: string, uuid: Uint8Array): boolean {
    return this.deps.acknowledged.has(frameworkId, taskId, uuid);
  }

  /** What non-terminal tasks on an agent hold, per framework (what the allocator counts as allocated). */
  usedOn(agentId: string): Map<string, Resources> {
    const out = new Map<string, Resources>();
    for (const [frameworkId, tasks] of this.agents.get(agentId) ?? []) {
      // One bag built from every task's resources (not one bag per task: agents re-register by the thousand).
      const held: Resource[] = [];
      for (const t of tasks.values()) if (!isTerminalState(t.state)) held.push(...t.resources);
      const used = Resources.of(held);
      if (!used.isEmpty()) out.set(frameworkId, used);
    }
    return out;
  }

  // --- moving tasks ---

  /** A task was launched (STAGING) on its agent. */
  launch(task: Task): void {
    this.changed(frameworkOf(task));
    this.entry(frameworkOf(task)).active.set(idOf(task), task);
    this.placeOnAgent(task);
    this.deps.events.publish(() => create(master.EventSchema, { type: master.Event_Type.TASK_ADDED, taskAdded: { task: clone(TaskSchema, task) } }));
    this.deps.metrics.increment("master/tasks_launched");
  }

  /**
   * Records a new status of a task. `latestState` is the newest state the agent knows (it may be
   * ahead of the update being forwarded). The resources of a task that just became terminal go
   * back to the allocator at once; the task stays until `complete` (the framework acknowledged).
   */
  transition(task: Task, status: TaskStatus, latestState?: TaskState): void {
    const wasTerminal = isTerminalState(task.state);
    const previousState = task.state;
    task.state = latestState ?? status.state;
    task.statusUpdateState = status.state;
    task.statusUpdateUuid = status.uuid;
    this.record(task, status, task.state !== previousState);
    if (!wasTerminal && isTerminalState(task.state)) {
      this.deps.allocator.recoverResources(frameworkOf(task), agentOf(task), Resources.of(task.resources), 0);
      this.deps.triggerAllocation(agentOf(task));
    }
  }

  /**
   * The framework acknowledged an update: remembered (in the registry too) if it is the task's
   * latest forwarded update (then that task is returned); acknowledgements of anything else are not.
   */
  acknowledge(frameworkId: string, taskId: string, uuid: Uint8Array): Task | undefined {
    const task = this.known(frameworkId, taskId);
    if (!task || uuid.length === 0 || !sameBytes(task.statusUpdateUuid, uuid)) return undefined;
    this.deps.acknowledged.record(frameworkId, taskId, agentOf(task), uuid);
    return task;
  }

  /** Resolves once every acknowledgement remembered so far is in the registry. */
  acknowledgementsCommitted(): Promise<void> {
    return this.deps.acknowledged.committed();
  }

  /** An agent re-registered: the acknowledgements of its tasks it did not report are forgotten. */
  forgetAcknowledgedOn(agentId: string, reported: (frameworkId: string, taskId: string) => boolean): void {
    this.deps.acknowledged.forgetUnreportedOn(agentId, reported);
  }

  /** An agent was marked gone or removed: the acknowledgements of its tasks are forgotten (in the registry too). */
  forgetAcknowledgedOnAgent(agentId: string): void {
    this.deps.acknowledged.forgetAgent(agentId);
  }

  /** Forgets a task: it moves to its framework's completed tasks (a task ended by decree releases what it held). */
  complete(task: Task): void {
    const frameworkId = frameworkOf(task);
    this.changed(frameworkId);
    if (!isTerminalState(task.state)) {
      this.deps.allocator.recoverResources(frameworkId, agentOf(task), Resources.of(task.resources), 0);
    }
    this.takeOffAgent(task);
    const tasks = this.frameworks.get(frameworkId);
    if (!tasks || tasks.removed) return;
    tasks.active.delete(idOf(task));
    tasks.unreachable.delete(idOf(task));
    this.addCompleted(tasks, task);
  }

  /**
   * A partition-aware framework's task on an agent that became unreachable: TASK_UNREACHABLE, kept
   * so it can come back with the agent. Its resources leave with the agent.
   */
  markUnreachable(task: Task, status: TaskStatus): void {
    task.state = TaskState.TASK_UNREACHABLE;
    this.record(task, status, true);
    const tasks = this.entry(frameworkOf(task));
    tasks.active.delete(idOf(task));
    tasks.unreachable.set(idOf(task), task);
    this.takeOffAgent(task);
  }

  /**
   * An unreachable agent is marked gone: its frameworks' unreachable tasks are dropped without an
   * update (Mesos's Master::markGone), so a reconciliation then answers TASK_UNKNOWN for them.
   */
  forgetUnreachableOn(agentId: string): void {
    for (const tasks of this.frameworks.values()) {
      for (const [id, task] of tasks.unreachable) if (agentOf(task) === agentId) tasks.unreachable.delete(id);
    }
  }

  /**
   * A framework is removed: its running tasks are killed by decree (`status` builds their
   * TASK_KILLED) and every task moves to its completed list; the allocator takes the framework's
   * resources back as a whole. Returns the agents the tasks were on.
   */
  removeFramework(frameworkId: string, status: (task: Task) => TaskStatus): Set<string> {
    this.changed(frameworkId);
    const agents = new Set<string>();
    const tasks = this.frameworks.get(frameworkId);
    if (!tasks) return agents;
    for (const task of [...tasks.active.values(), ...tasks.unreachable.values()]) {
      agents.add(agentOf(task));
      this.takeOffAgent(task);
      if (!isTerminalState(task.state)) {
        task.state = TaskState.TASK_KILLED;
        this.record(task, status(task), true);
      }
      this.addCompleted(tasks, task);
    }
    tasks.active.clear();
    tasks.unreachable.clear();
    tasks.removed = true;
    return agents;
  }

  /** A completed framework is dropped from memory (--max_completed_frameworks): its tasks go too. */
  forgetFramework(frameworkId: string): void {
    this.frameworks.delete(frameworkId);
    this.revisions.delete(frameworkId);
    this.terminal.delete(frameworkId);
    this.deps.acknowledged.forgetFramework(frameworkId);
  }

  /**
   * An agent re-registers: the master's list of its tasks is replaced by what it reports (see
   * `adopt`). Returns the tasks the master believed were there.
   */
  resetAgent(agentId: string): Task[] {
    const believed = this.onAgent(agentId);
    this.agentRevisions.set(agentId, ++this.lastRevision);
    this.agents.delete(agentId);
    return believed;
  }

  /**
   * A task a re-registering agent reports: the master's copy (active or unreachable) or, when the
   * master has none (after a failover), `reported` itself: the ledger takes it over, the caller
   * must not keep or change it (a copy of each of 100,000 tasks was most of a failover's work).
   */
  adopt(reported: Task): Task {
    this.changed(frameworkOf(reported));
    const tasks = this.entry(frameworkOf(reported));
    const id = idOf(reported);
    const task = tasks.active.get(id) ?? tasks.unreachable.get(id) ?? reported;
    task.state = reported.state;
    task.agentId = reported.agentId;
    tasks.unreachable.delete(id);
    tasks.active.set(id, task);
    this.placeOnAgent(task);
    return task;
  }

  // --- internals ---

  private changed(frameworkId: string): void {
    this.revisions.set(frameworkId, ++this.lastRevision);
  }

  private entry(frameworkId: string): FrameworkTasks {
    let tasks = this.frameworks.get(frameworkId);
    if (!tasks) this.frameworks.set(frameworkId, (tasks = { active: new Map(), unreachable: new Map(), completed: [], removed: false }));
    return tasks;
  }

  /**
   * Keeps a status as Mesos does: without its `data` (a framework may put megabytes there;
   * MESOS-1746), replacing the last one if that has the same state (repeated health-check updates do
   * not grow the list), at most 64. Tells subscribers if the task's state changed.
   */
  private record(task: Task, status: TaskStatus, changed: boolean): void {
    this.changed(frameworkOf(task));
    this.agentRevisions.set(agentOf(task), ++this.lastRevision);
    let kept = status;
    if (isFieldSet(status, TaskStatusSchema.field.data)) {
      // A copy: the status itself goes on to the framework with its data.
      kept = Object.assign(Object.create(Object.getPrototypeOf(status)) as TaskStatus, status);
      clearField(kept, TaskStatusSchema.field.data);
    }
    if (task.statuses.at(-1)?.state === status.state) task.statuses[task.statuses.length - 1] = kept;
    else task.statuses.push(kept);
    if (task.statuses.length > MAX_STATUSES_PER_TASK) task.statuses.splice(0, task.statuses.length - MAX_STATUSES_PER_TASK);
    if (!changed) return;
    if (isTerminalState(task.state)) {
      this.countTerminal(task.state, status);
      let counts = this.terminal.get(frameworkOf(task));
      if (!counts) this.terminal.set(frameworkOf(task), (counts = new Map()));
      counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
    }
    this.deps.events.publish(() =>
      create(master.EventSchema, {
        type: master.Event_Type.TASK_UPDATED,
        taskUpdated: { frameworkId: task.frameworkId, status: clone(TaskStatusSchema, status), state: task.state },
      }),
    );
  }

  /** Mesos's `master/tasks_<state>` counters, and `master/<state>/<source>/<reason>` for the why. */
  private countTerminal(state: TaskState, status: TaskStatus): void {
    const name = TaskState[state]!.toLowerCase();
    this.deps.metrics.increment(`master/tasks_${name.slice("task_".length)}`);
    if (!isFieldSet(status, TaskStatusSchema.field.source) || !isFieldSet(status, TaskStatusSchema.field.reason)) return;
    const source = TaskStatus_Source[status.source]!.toLowerCase();
    this.deps.metrics.increment(`master/${name}/${source}/${TaskStatus_Reason[status.reason]!.toLowerCase()}`);
  }

  private addCompleted(tasks: FrameworkTasks, task: Task): void {
    tasks.completed.push(task);
    const excess = tasks.completed.length - this.deps.maxCompletedPerFramework;
    if (excess <= 0) return;
    for (const dropped of tasks.completed.splice(0, excess)) this.deps.acknowledged.forget(frameworkOf(dropped), idOf(dropped));
  }

  private placeOnAgent(task: Task): void {
    this.agentRevisions.set(agentOf(task), ++this.lastRevision);
    let byFramework = this.agents.get(agentOf(task));
    if (!byFramework) this.agents.set(agentOf(task), (byFramework = new Map()));
    let tasks = byFramework.get(frameworkOf(task));
    if (!tasks) byFramework.set(frameworkOf(task), (tasks = new Map()));
    tasks.set(idOf(task), task);
  }

  private takeOffAgent(task: Task): void {
    this.agentRevisions.set(agentOf(task), ++this.lastRevision);
    const byFramework = this.agents.get(agentOf(task));
    const tasks = byFramework?.get(frameworkOf(task));
    if (!byFramework || !tasks) return;
    tasks.delete(idOf(task));
    if (tasks.size === 0) byFramework.delete(frameworkOf(task));
    if (byFramework.size === 0) this.agents.delete(agentOf(task));
  }
}
