/**
 * Which tasks a framework asks about after a master's failover. A restarted master stays silent
 * about a task whose agent it knows only from its registry (not re-registered yet; Mesos 1.8), and
 * answers for every task of an agent once that agent is back. So until the master has answered
 * about one of an agent's tasks, one task stands for all of that agent's (a probe); once it has
 * answered about any of them (whatever the state), the agent's other tasks are asked about at once
 * (a follow-up). Asking about every task each round left two thirds of the asks after a failover
 * unanswered (10,000 agents, 100,000 tasks: 260,000-310,000 asked), each costing the master a
 * decode and lookups and the framework an encoding while the agents were coming back. A task
 * without an agent id stands for itself. A round costs the framework the agents not heard of, not
 * its tasks: they are grouped by agent once (`scan`), again only when every agent has been heard of.
 */

export interface TaskToAsk {
  taskId: string;
  agentId?: string;
}

export class AgentProbes {
  /** Agents the master has answered about. */
  private readonly heard = new Set<string>();
  /** The unanswered tasks of each agent not heard of yet, as of the last scan; the first is its probe. */
  private waiting = new Map<string, TaskToAsk[]>();
  /** Unanswered tasks without an agent id, as of the last scan: each is its own probe. */
  private alone: TaskToAsk[] = [];
  /** Tasks of agents heard of since the last scan, not asked about yet. */
  private ready: TaskToAsk[] = [];

  /** How many agents the master has answered about. */
  get heardOf(): number {
    return this.heard.size;
  }

  /** Whether every agent of the last scan has been heard of (a new scan finds what is still unanswered). */
  get exhausted(): boolean {
    return this.waiting.size === 0 && this.alone.length === 0;
  }

  /** Groups the `unanswered` tasks (task id, agent id): those of agents heard of are ready at once. */
  scan(unanswered: Iterable<readonly [taskId: string, agentId: string | undefined]>): void {
    this.waiting = new Map();
    this.alone = [];
    this.ready = [];
    for (const [taskId, agentId] of unanswered) {
      const task = { taskId, agentId };
      if (!agentId) this.alone.push(task);
      else if (this.heard.has(agentId)) this.ready.push(task);
      else {
        const tasks = this.waiting.get(agentId);
        if (tasks === undefined) this.waiting.set(agentId, [task]);
        else tasks.push(task);
      }
    }
  }

  /** The master answered about a task of `agentId`; true if that made other tasks ready to be asked about. */
  answered(agentId: string): boolean {
    if (this.heard.has(agentId)) return false;
    this.heard.add(agentId);
    const tasks = this.waiting.get(agentId);
    if (tasks === undefined) return false;
    this.waiting.delete(agentId);
    for (const task of tasks) this.ready.push(task);
    return true;
  }

  /** A round's probes: the first task of each agent not heard of, and every task without an agent. */
  probes(): TaskToAsk[] {
    const probes = [...this.alone];
    for (const tasks of this.waiting.values()) probes.push(tasks[0]!);
    return probes;
  }

  /** Whether tasks are ready for a follow-up. */
  get hasFollowUps(): boolean {
    return this.ready.length > 0;
  }

  /** The tasks made ready since the last follow-up that `isAnswered` does not know of (a probe is answered already). */
  followUps(isAnswered: (taskId: string) => boolean): TaskToAsk[] {
    const ready = this.ready.filter((t) => !isAnswered(t.taskId));
    this.ready = [];
    return ready;
  }
}
