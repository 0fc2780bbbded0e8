/**
 * The v0 read-only listings tools still poll, in Mesos's JSON shapes: `/slaves`, `/frameworks`,
 * `/tasks` (with limit, offset, order, framework_id, task_id), `/roles` and `/state-summary`.
 * Encoders of the read model, like v0-json.ts (which writes agents, frameworks and tasks).
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { Resources, summarizeResources, toMesosJson } from "@mesos/core";
import { AgentInfoSchema, FrameworkInfo_Capability_Type, type quota, type Task } from "@mesos/proto";
import type { Agent } from "../agents/agent.ts";
import type { Framework } from "../frameworks/framework.ts";
import { allTasksOf, countByState, type FrameworkSummary, type MasterProjection } from "../read-model/master-projection.ts";
import { Memo } from "../read-model/memo.ts";
import { compareIn, mergedPage, sortedTasks } from "../read-model/task-order.ts";
import type { ByteParts } from "../read-model/byte-parts.ts";
import { JsonText } from "../read-model/json-text.ts";
import { agentText, frameworkJson, tasksText } from "./v0-json.ts";
import { quotaInfo } from "../quota/quota-config.ts";

type Json = Record<string, JsonValue>;

export function slavesJson(p: MasterProjection, agentId?: string): ByteParts {
  const pick = (id: string) => agentId === undefined || id === agentId;
  const text = new JsonText();
  return text.body({
    slaves: text.array(
      p
        .agents()
        .filter((a) => pick(a.agent.id))
        .map(agentText),
    ),
    recovered_slaves: p
      .recoveredAgents()
      .filter((info) => pick(info.id!.value))
      .map((info) => toMesosJson(AgentInfoSchema, info)),
  });
}

export function frameworksJson(p: MasterProjection, frameworkId?: string): ByteParts {
  const pick = (f: { framework: { id: string } }) => frameworkId === undefined || f.framework.id === frameworkId;
  const text = new JsonText();
  const framework = (f: FrameworkSummary) => frameworkJson(f, text);
  return text.body({
    frameworks: p.frameworks().filter(pick).map(framework),
    completed_frameworks: p.completedFrameworks().filter(pick).map(framework),
    unregistered_frameworks: [],
  });
}

export interface TaskQuery {
  limit?: number;
  offset?: number;
  order?: "asc" | "des";
  frameworkId?: string;
  taskId?: string;
}

export function tasksJson(p: MasterProjection, query: TaskQuery = {}): string {
  const frameworks = p.allFrameworks().filter((f) => query.frameworkId === undefined || f.framework.id === query.frameworkId);
  const order = query.order === "asc" ? "asc" : "des";
  const lists =
    query.taskId === undefined
      ? frameworks.map((f) => sortedTasks(f.framework, f.revision, () => allTasksOf(f), order))
      : frameworks.map((f) =>
          allTasksOf(f)
            .filter((t) => t.taskId!.value === query.taskId)
            .sort(compareIn(order)),
        );
  const text = new JsonText();
  return text.stringify({ tasks: tasksText(text, mergedPage(lists, order, query.offset ?? 0, query.limit ?? 100)) });
}

export function rolesJson(p: MasterProjection): string {
  return JSON.stringify({
    roles: p.roles().map((r) => {
      const quota = p.ctx.roles.quotas().get(r.name);
      return {
        name: r.name,
        weight: r.weight,
        // Mesos's model(QuotaInfo): the guarantee summarised, the role, the principal if any.
        ...(quota ? { quota: quotaJson(quotaInfo(quota)) } : {}),
        frameworks: r.frameworks.map((f) => f.id),
        resources: summarizeResources(r.resources),
      };
    }),
  });
}

/** A framework's tasks (active, unreachable, completed) by agent, kept while none of them changes (its revision). */
const tasksByAgentOf = new Memo<Framework, Map<string, Task[]>>();

function tasksByAgent(f: FrameworkSummary): Map<string, Task[]> {
  return tasksByAgentOf.get(f.framework, [f.revision], () => {
    const byAgent = new Map<string, Task[]>();
    for (const t of allTasksOf(f)) {
      const id = t.agentId?.value ?? "";
      let on = byAgent.get(id);
      if (!on) byAgent.set(id, (on = []));
      on.push(t);
    }
    return byAgent;
  });
}

/**
 * What /state-summary adds to an agent: its tasks counted by state and the ids of their frameworks,
 * as the text after the agent's keys; kept while its frameworks' lists of tasks there are the same
 * (counting 100,000 tasks by agent on every read was most of the answer).
 */
const agentTaskTexts = new Memo<Agent, string>();

function agentTaskText(agent: Agent, lists: readonly (Task[] | undefined)[]): string {
  return agentTaskTexts.get(agent, lists, () => {
    const on = lists.flatMap((list) => list ?? []);
    const extra = JSON.stringify({ ...countByState(on), framework_ids: [...new Set(on.map((t) => t.frameworkId!.value))] });
    return `,${extra.slice(1)}`;
  });
}

/** A framework's tasks counted by state and the ids of their agents, kept while none of them changes. */
const frameworkTaskCounts = new Memo<Framework, Json>();

function frameworkTaskJson(f: FrameworkSummary): Json {
  return frameworkTaskCounts.get(f.framework, [f.revision], () => {
    const all = allTasksOf(f);
    return { ...countByState(all), slave_ids: [...new Set(all.map((t) => t.agentId!.value))] };
  });
}

export function stateSummaryJson(p: MasterProjection): ByteParts {
  const { ctx } = p;
  const frameworks = p.frameworks();
  // Every task of a subscribed framework, by agent (completed ones too: they are counted by state).
  const byAgent = frameworks.map(tasksByAgent);
  const text = new JsonText();
  return text.body({
    hostname: ctx.info.hostname,
    ...(ctx.flags.cluster ? { cluster: ctx.flags.cluster } : {}),
    slaves: text.array(
      p.agents().map((a) => {
        const extra = agentTaskText(
          a.agent,
          byAgent.map((tasks) => tasks.get(a.agent.id)),
        );
        // The agent's keys, then these: its text without the closing brace, then theirs without the opening one.
        const agent = agentText(a);
        return [agent.subarray(0, agent.length - 1), extra];
      }),
    ),
    frameworks: frameworks.map((summary) => {
      const f = summary.framework;
      return {
        id: f.id,
        name: f.info.name,
        used_resources: summarizeResources(summary.used),
        offered_resources: summarizeResources(summary.offered),
        capabilities: f.info.capabilities.map((c) => FrameworkInfo_Capability_Type[c.type]!),
        hostname: f.info.hostname,
        webui_url: f.info.webuiUrl,
        active: f.active,
        connected: f.connected,
        recovered: f.recovered,
        ...frameworkTaskJson(summary),
      };
    }),
  });
}

function quotaJson(info: quota.QuotaInfo): Json {
  return {
    guarantee: summarizeResources(Resources.of(info.guarantee)),
    role: info.role ?? "",
    ...(info.principal ? { principal: info.principal } : {}),
  };
}
