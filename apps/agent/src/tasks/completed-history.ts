/**
 * What the agent remembers of work that ended, as Mesos keeps it in memory for `/state` and the
 * web UI's sandbox links: a framework's completed executors (at most 150 per framework, Mesos's
 * --max_completed_executors_per_framework default) with their completed tasks (at most 200 per
 * executor, MAX_COMPLETED_TASKS_PER_EXECUTOR), and completed frameworks (at most 50,
 * MAX_COMPLETED_FRAMEWORKS). Owned here; written when a task is forgotten (its terminal update
 * acknowledged) and when a framework is. Not checkpointed: lost on restart, as in Mesos.
 */
import type { FrameworkInfo, Task } from "@mesos/proto";

const MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK = 150;
const MAX_COMPLETED_TASKS_PER_EXECUTOR = 200;
const MAX_COMPLETED_FRAMEWORKS = 50;

export interface CompletedExecutor {
  id: string;
  name: string;
  frameworkId: string;
  container: string;
  directory: string;
  /** The executor's source (Mesos: ExecutorInfo.source; a command task's is its task id). */
  source: string;
  tasks: Task[];
}

export interface CompletedFramework {
  id: string;
  info?: FrameworkInfo;
  executors: CompletedExecutor[];
}

export class CompletedHistory {
  /** By framework id: executors that ended, oldest first. */
  private readonly executors = new Map<string, CompletedExecutor[]>();
  /** By framework id, then executor id and container: the same entries, found without a scan (each command task is an executor). */
  private readonly byExecutor = new Map<string, Map<string, CompletedExecutor>>();
  private readonly frameworks: CompletedFramework[] = [];

  /**
   * A task ended and was forgotten. Its executor's entry holds its completed tasks; while the
   * executor still runs other tasks, the read model shows them as that executor's `completed_tasks`.
   */
  taskDone(task: Task, executor: Omit<CompletedExecutor, "tasks">): void {
    let list = this.executors.get(executor.frameworkId);
    let index = this.byExecutor.get(executor.frameworkId);
    if (!list || !index) {
      this.executors.set(executor.frameworkId, (list = []));
      this.byExecutor.set(executor.frameworkId, (index = new Map()));
    }
    const key = `${executor.id}\u0000${executor.container}`;
    let entry = index.get(key);
    if (!entry) {
      entry = { ...executor, tasks: [] };
      list.push(entry);
      index.set(key, entry);
      if (list.length > MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK) {
        const oldest = list.shift()!;
        index.delete(`${oldest.id}\u0000${oldest.container}`);
      }
    }
    entry.tasks.push(task);
    if (entry.tasks.length > MAX_COMPLETED_TASKS_PER_EXECUTOR) entry.tasks.shift();
  }

  /** A framework has nothing left on the agent: it moves to the completed frameworks with its executors. */
  frameworkDone(id: string, info?: FrameworkInfo): void {
    this.frameworks.push({ id, info, executors: this.executors.get(id) ?? [] });
    this.executors.delete(id);
    this.byExecutor.delete(id);
    if (this.frameworks.length > MAX_COMPLETED_FRAMEWORKS) this.frameworks.shift();
  }

  /** The framework's executors with completed tasks (live ones too: the read model tells them apart). */
  completedExecutors(frameworkId: string): readonly CompletedExecutor[] {
    return this.executors.get(frameworkId) ?? [];
  }

  completedFrameworks(): readonly CompletedFramework[] {
    return this.frameworks;
  }
}
