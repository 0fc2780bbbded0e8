/**
 * An agent as the master tracks it: what it is (AgentInfo, endpoint, capabilities), what it has
 * (total resources), the link the master talks to it over, and the tasks on it.
 */
import { type Channel, Resources, type TimerHandle } from "@mesos/core";
import { type AgentInfo, AgentInfo_Capability_Type, type Operation, type Task, type internal } from "@mesos/proto";

export interface AgentLinkState {
  connectionId: string;
  messages: Channel<internal.MasterMessage>;
}

export class Agent {
  info: AgentInfo;
  endpoint: string;
  version: string;
  capabilities: AgentInfo_Capability_Type[];
  total: Resources;
  link?: AgentLinkState;
  registeredAt: number;
  reregisteredAt?: number;
  /** Pings that went unanswered in a row; the agent is unreachable at --max_agent_ping_timeouts. */
  missedPings = 0;
  awaitingPong = false;
  pingTimer?: TimerHandle;
  /** Tasks on the agent by framework id, then task id. */
  readonly tasks = new Map<string, Map<string, Task>>();
  readonly offers = new Set<string>();
  /** Offer operations applied to the agent and not yet forgotten, by operation uuid. */
  readonly operations = new Map<string, Operation>();

  constructor(
    readonly id: string,
    init: { info: AgentInfo; endpoint: string; version: string; capabilities: AgentInfo_Capability_Type[]; total: Resources; now: number },
  ) {
    this.info = init.info;
    this.endpoint = init.endpoint;
    this.version = init.version;
    this.capabilities = init.capabilities;
    this.total = init.total;
    this.registeredAt = init.now;
  }

  get connected(): boolean {
    return this.link !== undefined && !this.link.messages.closed;
  }

  hasCapability(type: AgentInfo_Capability_Type): boolean {
    return this.capabilities.includes(type);
  }

  /** Queues a message on the link; returns false if the agent is not connected. */
  send(message: internal.MasterMessage): boolean {
    return this.link?.messages.push(message) ?? false;
  }

  addTask(task: Task): void {
    const fw = task.frameworkId!.value;
    let byFramework = this.tasks.get(fw);
    if (!byFramework) this.tasks.set(fw, (byFramework = new Map()));
    byFramework.set(task.taskId!.value, task);
  }

  removeTask(frameworkId: string, taskId: string): void {
    const byFramework = this.tasks.get(frameworkId);
    byFramework?.delete(taskId);
    if (byFramework?.size === 0) this.tasks.delete(frameworkId);
  }

  allTasks(): Task[] {
    return [...this.tasks.values()].flatMap((m) => [...m.values()]);
  }

  /** Resources used by non-terminal tasks, per framework (what the allocator must count as allocated). */
  usedByFramework(isTerminal: (t: Task) => boolean): Map<string, Resources> {
    const out = new Map<string, Resources>();
    for (const [fw, tasks] of this.tasks) {
      let used = Resources.EMPTY;
      for (const t of tasks.values()) if (!isTerminal(t)) used = used.plus(t.resources);
      if (!used.isEmpty()) out.set(fw, used);
    }
    return out;
  }

  /** The agent's HTTP address as `host:port`, for offers and /state's `pid`. */
  get address(): { hostname: string; ip: string; port: number } {
    const url = new URL(this.endpoint);
    return { hostname: this.info.hostname || url.hostname, ip: url.hostname, port: Number(url.port) || 5051 };
  }

  get pid(): string {
    const a = this.address;
    return `slave(1)@${a.ip}:${a.port}`;
  }
}

export const multiRoleCapable = (a: Agent) => a.hasCapability(AgentInfo_Capability_Type.MULTI_ROLE);
