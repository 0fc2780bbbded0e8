/**
 * The UI's live picture of the cluster: the SUBSCRIBE stream's first event (the whole state) and
 * every event after it (tasks added and updated, agents and frameworks added, updated, removed).
 * Nothing is polled. When the stream ends the store reconnects; when this master no longer leads
 * it finds the leader (v0 /state's `leader_info`) and the app follows it there.
 */
import { getJson, type Json, jsonp, NotLeading, operatorCall, subscribe } from "./api.ts";

export type Connection = "connecting" | "live" | "reconnecting" | "not-leader";

const TERMINAL = new Set([
  "TASK_FINISHED",
  "TASK_FAILED",
  "TASK_KILLED",
  "TASK_LOST",
  "TASK_ERROR",
  "TASK_DROPPED",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
]);
export const isTerminal = (state: string) => TERMINAL.has(state);

const taskKey = (frameworkId: string, taskId: string) => `${frameworkId}/${taskId}`;

export class Store {
  connection: Connection = "connecting";
  error = "";
  master: Json = {};
  version: Json = {};
  /** Where the leader is when this master does not lead (`host:port`). */
  leader = "";
  agents = new Map<string, Json>();
  frameworks = new Map<string, Json>();
  completedFrameworks: Json[] = [];
  tasks = new Map<string, Json>();
  /** Increases with every change; views re-render on it. */
  revision = 0;
  events = 0;
  bytes = 0;
  private listeners = new Set<() => void>();
  private abort = new AbortController();

  listen(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A framework, live or completed. */
  framework(id: string): Json | undefined {
    return this.frameworks.get(id) ?? this.completedFrameworks.find((f) => f.framework_info.id.value === id);
  }

  private changed(): void {
    this.revision++;
    for (const fn of this.listeners) fn();
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    let backoff = 500;
    while (!this.abort.signal.aborted) {
      try {
        const [master, version] = await Promise.all([operatorCall({ type: "GET_MASTER" }), getJson("/version")]);
        this.master = master.get_master ?? {};
        this.version = version;
        await subscribe(
          (e) => this.apply(e),
          this.abort.signal,
          (n) => (this.bytes += n),
        );
        backoff = 500;
        if (this.abort.signal.aborted) return;
        this.connection = "reconnecting";
        this.error = "The event stream ended";
      } catch (e) {
        if (this.abort.signal.aborted) return;
        if (e instanceof NotLeading && (await this.findLeader())) return;
        this.connection = "reconnecting";
        this.error = String((e as Error).message ?? e);
      }
      this.changed();
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, 5000);
    }
  }

  /**
   * This master does not lead: who does. True if another master leads. Its v0 /state redirects
   * (307) to the leader's, so, as Mesos's UI does (MESOS-5911), the leader's /state is read by
   * JSONP, which follows the redirect across origins; it names the leader in `leader_info`.
   */
  private async findLeader(): Promise<boolean> {
    try {
      const own = await fetch("/master/state", { redirect: "manual" });
      if (own.type !== "opaqueredirect" && own.status !== 307) return false;
      const state = await jsonp("/master/state");
      const info = state.leader_info;
      if (!info) return false;
      this.leader = `${info.hostname || info.address?.ip}:${info.port}`;
      this.connection = "not-leader";
      this.changed();
      return true;
    } catch {
      return false;
    }
  }

  private apply(event: Json): void {
    this.events++;
    switch (event.type) {
      case "SUBSCRIBED":
        this.load(event.subscribed.get_state);
        this.connection = "live";
        this.error = "";
        break;
      case "TASK_ADDED":
        this.putTask(event.task_added.task);
        break;
      case "TASK_UPDATED": {
        const { framework_id, status, state } = event.task_updated;
        const key = taskKey(framework_id.value, status.task_id.value);
        const task = this.tasks.get(key);
        if (task) {
          task.state = state;
          task.statuses = [...(task.statuses ?? []), status];
          task.status_update_state = status.state;
        }
        break;
      }
      case "AGENT_ADDED":
        this.agents.set(event.agent_added.agent.agent_info.id.value, event.agent_added.agent);
        break;
      case "AGENT_REMOVED":
        this.agents.delete(event.agent_removed.agent_id.value);
        break;
      case "FRAMEWORK_ADDED":
      case "FRAMEWORK_UPDATED": {
        const f = (event.framework_added ?? event.framework_updated).framework;
        this.frameworks.set(f.framework_info.id.value, f);
        break;
      }
      case "FRAMEWORK_REMOVED": {
        const info = event.framework_removed.framework_info;
        const f = this.frameworks.get(info.id.value);
        this.frameworks.delete(info.id.value);
        this.completedFrameworks.unshift({ ...(f ?? { framework_info: info }), active: false, connected: false });
        break;
      }
      default:
        return; // HEARTBEAT and events the UI does not show.
    }
    this.changed();
  }

  private load(state: Json): void {
    this.agents = new Map((state.get_agents?.agents ?? []).map((a: Json) => [a.agent_info.id.value, a]));
    this.frameworks = new Map((state.get_frameworks?.frameworks ?? []).map((f: Json) => [f.framework_info.id.value, f]));
    this.completedFrameworks = state.get_frameworks?.completed_frameworks ?? [];
    this.tasks = new Map();
    const t = state.get_tasks ?? {};
    for (const list of [t.completed_tasks, t.unreachable_tasks, t.orphan_tasks, t.pending_tasks, t.tasks])
      for (const task of list ?? []) this.putTask(task);
  }

  private putTask(task: Json): void {
    this.tasks.set(taskKey(task.framework_id.value, task.task_id.value), task);
  }
}
