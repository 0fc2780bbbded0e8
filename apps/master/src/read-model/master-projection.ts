/**
 * The master's read model: the summaries every state view needs (what an agent's and a framework's
 * running tasks use and what they are offered, their tasks, tasks counted by state, roles), computed
 * at most once per projection. A projection is taken per request (or per event) and read by the
 * encoders: operator/views.ts (v1, operator API protobuf) and http/v0-json.ts, http/v0-listings.ts
 * (v0 JSON). Nothing here changes the master.
 */
import { isTerminalState, Resources } from "@mesos/core";
import { type AgentInfo, type Resource, type Task, TaskState } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { ExecutorRecord } from "../executors/executor-book.ts";
import type { MasterContext } from "../context.ts";
import { Memo } from "./memo.ts";
import { offeredResources } from "./offered-resources.ts";
import type { Framework } from "../frameworks/framework.ts";
import type { OfferRecord } from "../offers/offer-book.ts";
import type { InverseOffer } from "@mesos/proto";

export interface AgentSummary {
  agent: Agent;
  /** What its non-terminal tasks and its executors use. */
  used: Resources;
  offered: Resources;
}

export interface FrameworkSummary {
  framework: Framework;
  /** Changes whenever one of its tasks does (TaskLedger.revision): encodings of its tasks are keyed on it. */
  revision: number;
  active: Task[];
  unreachable: Task[];
  completed: readonly Task[];
  /** What its non-terminal active tasks and its executors use. */
  used: Resources;
  offers: OfferRecord[];
  offered: Resources;
  /** Its executors (task groups' default executors) on every agent. */
  executors: ExecutorRecord[];
  /** Its outstanding inverse offers (maintenance). */
  inverseOffers: InverseOffer[];
}

export interface RoleSummary {
  name: string;
  weight: number;
  frameworks: Framework[];
  /** What the role's frameworks use and are offered under this role. */
  resources: Resources;
}

/** The task states /state-summary counts, per agent and per framework. */
const COUNTED_STATES = [
  TaskState.TASK_STAGING,
  TaskState.TASK_STARTING,
  TaskState.TASK_RUNNING,
  TaskState.TASK_KILLING,
  TaskState.TASK_FINISHED,
  TaskState.TASK_KILLED,
  TaskState.TASK_FAILED,
  TaskState.TASK_LOST,
  TaskState.TASK_ERROR,
  TaskState.TASK_UNREACHABLE,
] as const;

export type TaskCounts = Record<string, number>;

/** How many of `tasks` are in each of COUNTED_STATES, by state name. */
export function countByState(tasks: Iterable<Task>): TaskCounts {
  const counts: TaskCounts = Object.fromEntries(COUNTED_STATES.map((s) => [TaskState[s], 0]));
  for (const t of tasks) {
    const name = TaskState[t.state]!;
    if (name in counts) counts[name]!++;
  }
  return counts;
}

/** What an agent's or a framework's live tasks and executors use; what it is offered. */
const usedMemo = new Memo<object, Resources>();
const offeredMemo = new Memo<object, Resources>();

/**
 * What the non-terminal ones of `tasks` and `executors` use, computed again only when `version`
 * (the owner's TaskLedger revision) or the executors changed: at 100,000 tasks, summing them is
 * most of what a view costs.
 */
function usedBy(owner: object, version: number, tasks: () => readonly Task[], executors: readonly ExecutorRecord[]): Resources {
  const live = () => tasks().filter((t) => !isTerminalState(t.state));
  const inputs: unknown[] = [version, ...executors];
  return usedMemo.get(owner, inputs, () => {
    // One bag from every resource (not a bag per task added up: a framework can have 100,000 tasks).
    const all: Resource[] = [];
    for (const t of live()) for (const r of t.resources) all.push(r);
    let used = Resources.of(all);
    for (const e of executors) used = used.plus(e.info.resources);
    return used;
  });
}

/** What `offers` hold together (offered-resources.ts), summed again only when `revision` (the owner's OfferBook revision) changed. */
function offeredTo(owner: object, revision: number, offers: () => readonly OfferRecord[]): Resources {
  return offeredMemo.get(owner, [revision], () => offeredResources(owner, offers()));
}

export class MasterProjection {
  private readonly agentSummaries = new Map<string, AgentSummary>();
  private readonly frameworkSummaries = new Map<Framework, FrameworkSummary>();

  constructor(readonly ctx: MasterContext) {}

  agent(agent: Agent): AgentSummary {
    let summary = this.agentSummaries.get(agent.id);
    if (!summary) {
      const tasks = () => this.ctx.tasks.onAgent(agent.id);
      const used = usedBy(agent, this.ctx.tasks.agentRevision(agent.id), tasks, this.ctx.executors.onAgent(agent.id));
      const offered = offeredTo(agent, this.ctx.offers.agentRevision(agent.id), () => this.ctx.offers.onAgent(agent.id));
      summary = { agent, used, offered };
      this.agentSummaries.set(agent.id, summary);
    }
    return summary;
  }

  framework(framework: Framework): FrameworkSummary {
    let summary = this.frameworkSummaries.get(framework);
    if (!summary) {
      const active = [...this.ctx.tasks.active(framework.id).values()];
      const offers = this.ctx.offers.ofFramework(framework.id);
      const executors = this.ctx.executors.ofFramework(framework.id);
      const revision = this.ctx.tasks.revision(framework.id);
      summary = {
        framework,
        revision,
        active,
        unreachable: [...this.ctx.tasks.unreachable(framework.id).values()],
        completed: this.ctx.tasks.completed(framework.id),
        used: usedBy(framework, revision, () => active, executors),
        offers,
        offered: offeredTo(framework, this.ctx.offers.frameworkRevision(framework.id), () => offers),
        executors,
        inverseOffers: this.ctx.inverseOffers.ofFramework(framework.id).map((r) => r.inverseOffer),
      };
      this.frameworkSummaries.set(framework, summary);
    }
    return summary;
  }

  /** Registered agents. */
  agents(): AgentSummary[] {
    return [...this.ctx.agents.values()].map((a) => this.agent(a));
  }

  /** Agents from the registry that have not re-registered since the master started. */
  recoveredAgents(): AgentInfo[] {
    return this.ctx.agents.recovered();
  }

  unreachableAgentCount(): number {
    let count = 0;
    for (const [, a] of this.ctx.agents.entries()) if (a.state === "unreachable") count++;
    return count;
  }

  /** Subscribed (or disconnected) frameworks; not the ones only recovered from agents. */
  frameworks(): FrameworkSummary[] {
    return [...this.ctx.frameworks.values()].filter((f) => !f.recovered).map((f) => this.framework(f));
  }

  recoveredFrameworks(): Framework[] {
    return [...this.ctx.frameworks.values()].filter((f) => f.recovered);
  }

  completedFrameworks(): FrameworkSummary[] {
    return this.ctx.frameworks.completed().map((f) => this.framework(f));
  }

  /** Every framework the master holds tasks of: live (recovered too), then completed. */
  allFrameworks(): FrameworkSummary[] {
    return [...this.ctx.frameworks.values(), ...this.ctx.frameworks.completed()].map((f) => this.framework(f));
  }

  /**
   * The roles worth listing, as Mesos's GET_ROLES and /roles do: roles frameworks are subscribed to
   * and roles with a weight or quota, sorted by name.
   */
  roles(): RoleSummary[] {
    const weights = this.ctx.roles.weights();
    const members = new Map<string, Framework[]>();
    for (const f of this.ctx.frameworks.values()) for (const role of f.roles) members.set(role, [...(members.get(role) ?? []), f]);
    const names = new Set([...members.keys(), ...weights.keys(), ...this.ctx.roles.quotas().keys()]);
    return [...names].sort().map((name) => {
      const frameworks = members.get(name) ?? [];
      let resources = Resources.EMPTY;
      for (const f of frameworks) {
        const summary = this.framework(f);
        resources = resources.plus(summary.used).plus(summary.offered);
      }
      return { name, weight: weights.get(name) ?? 1, frameworks, resources: resources.filter((r) => r.allocationInfo?.role === name) };
    });
  }
}

/**
 * What an agent's views are made of but its offered resources: an encoding of the agent made from
 * these is still right while they are the same (see memo.ts; the AgentRegistry replaces an agent's
 * info, total and providers). Its offers change with every allocation cycle that offers it (a
 * framework that keeps declining them is offered thousands of agents a second), the rest seldom.
 */
export const agentInputsBesidesOffers = ({ agent: a, used }: AgentSummary): unknown[] => [
  a.info,
  a.endpoint,
  a.version,
  a.capabilities,
  a.total,
  a.resourceProviders,
  a.registeredAt,
  a.reregisteredAt,
  a.connected,
  used,
];

/** What an agent's views are made of, its offered resources too. */
export const agentInputs = (summary: AgentSummary): unknown[] => [...agentInputsBesidesOffers(summary), summary.offered];

/** Every task of a framework summary: active, unreachable and completed. */
export const allTasksOf = (f: FrameworkSummary): Task[] => [...f.active, ...f.unreachable, ...f.completed];
