/**
 * The v0 JSON encoder of the master's read model (read-model/master-projection.ts): the shapes
 * tools still read for `/state` and the agents, frameworks and tasks of the listings
 * (v0-listings.ts). Resources appear twice, as in Mesos: summarised (`{"cpus": 1, "ports":
 * "[31000-31000]"}`) and in full (`*_full`, Resource objects).
 */
import type { JsonValue } from "@bufbuild/protobuf";
import { endpointResource, Resources, summarizeResources, toMesosJson, toMesosJsonText, versionJson } from "@mesos/core";
import {
  type Attribute,
  FrameworkInfo_Capability_Type,
  AgentInfo_Capability_Type,
  type MasterInfo,
  MasterInfoSchema,
  MasterInfo_Capability_Type,
  AgentInfoSchema,
  type Resource,
  ResourceSchema,
  type Task,
  TaskState,
  TaskStatusSchema,
  Value_Type,
  ContainerInfoSchema,
  LabelsSchema,
  DiscoveryInfoSchema,
  CommandInfoSchema,
} from "@mesos/proto";
import type { ExecutorRecord } from "../executors/executor-book.ts";
import type { ByteParts } from "../read-model/byte-parts.ts";
import { JsonText } from "../read-model/json-text.ts";
import { KeptArray, keptPer } from "../read-model/kept-array.ts";
import type { Agent } from "../agents/agent.ts";
import type { Framework } from "../frameworks/framework.ts";
import { type AgentSummary, agentInputsBesidesOffers, type FrameworkSummary, type MasterProjection } from "../read-model/master-projection.ts";
import { Memo } from "../read-model/memo.ts";
import { offerEncoding } from "../read-model/offer-encodings.ts";
import { taskV0Text } from "../read-model/task-encodings.ts";
import type { OfferRecord } from "../offers/offer-book.ts";

type Json = Record<string, JsonValue>;

/** The `*_full` fields: Resource objects in Mesos's ENDPOINT format. */
const fullResources = (resources: Iterable<Resource>): JsonValue[] => [...resources].map((r) => toMesosJson(ResourceSchema, endpointResource(r)));
/** `JSON.stringify(fullResources(resources))`, written directly (mesos-json-text.ts: 4 times faster, and offered resources change often). */
const fullResourcesText = (resources: Iterable<Resource>): string => {
  let out = "";
  for (const r of resources) out += (out === "" ? "" : ",") + toMesosJsonText(ResourceSchema, endpointResource(r));
  return `[${out}]`;
};

function attributes(list: readonly Attribute[]): Json {
  const out: Json = {};
  for (const a of list) {
    if (a.type === Value_Type.SCALAR) out[a.name] = a.scalar?.value ?? 0;
    else if (a.type === Value_Type.TEXT) out[a.name] = a.text?.value ?? "";
    else if (a.type === Value_Type.RANGES) out[a.name] = `[${(a.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(", ")}]`;
    else out[a.name] = `{${(a.set?.item ?? []).join(",")}}`;
  }
  return out;
}

/** A v0 task's fields before its statuses... */
const taskHead = (task: Task): Json => ({
  id: task.taskId!.value,
  name: task.name,
  framework_id: task.frameworkId!.value,
  executor_id: task.executorId?.value ?? "",
  slave_id: task.agentId!.value,
  state: TaskState[task.state],
  resources: summarizeResources(task.resources),
});

/** ...and after them. */
function taskTail(task: Task): Json {
  const out: Json = {};
  const role = task.resources.find((r) => r.allocationInfo)?.allocationInfo?.role;
  if (role) out.role = role;
  if (task.user) out.user = task.user;
  if (task.labels) out.labels = (toMesosJson(LabelsSchema, task.labels) as Json).labels ?? [];
  if (task.discovery) out.discovery = toMesosJson(DiscoveryInfoSchema, task.discovery);
  if (task.container) out.container = toMesosJson(ContainerInfoSchema, task.container);
  return out;
}

export function taskJson(task: Task): Json {
  return { ...taskHead(task), statuses: task.statuses.map((s) => toMesosJson(TaskStatusSchema, s)), ...taskTail(task) };
}

/**
 * `JSON.stringify(taskJson(task))`, its statuses (most of a task's text) written directly as text
 * (toMesosJsonText: 3-4 times faster, most of a first read of `/state` at 100,000 tasks).
 */
export function taskJsonText(task: Task): string {
  const head = JSON.stringify(taskHead(task));
  let statuses = "";
  for (const s of task.statuses) statuses += (statuses === "" ? "" : ",") + toMesosJsonText(TaskStatusSchema, s);
  const tail = JSON.stringify(taskTail(task));
  return `${head.slice(0, -1)},"statuses":[${statuses}]${tail === "{}" ? "}" : `,${tail.slice(1)}`}`;
}

const encoder = new TextEncoder();

/**
 * The agent's v0 JSON around its offered resources (`offered_resources` and
 * `offered_resources_full`): three pieces of text, kept while the rest of the agent does not
 * change. A framework that keeps declining is offered most agents every cycle; re-encoding whole
 * agents for that was most of a `/state` read while one churned (1 s at 10,000 agents).
 */
const agentPieces = new Memo<Agent, readonly string[]>();
const agentTexts = new Memo<Agent, Uint8Array>();
/**
 * The text of an agent offered nothing, kept apart: a framework declining for 1 s is offered most
 * agents every other cycle, so between two reads their offers come or go, and with one text kept
 * each of them was encoded again on nearly every read (its offered sum stays the same object).
 */
const unofferedTexts = new Memo<Agent, Uint8Array>();
/** Stands for the offered resources in the agent's JSON; unique to this process, so no other string in it can match. */
const OFFERED = `\u0000offered:${Math.random().toString(36).slice(2)}`;

function piecesOf(summary: AgentSummary): readonly string[] {
  return agentPieces.get(summary.agent, agentInputsBesidesOffers(summary), () =>
    JSON.stringify(agentJson(summary, OFFERED, OFFERED)).split(JSON.stringify(OFFERED)),
  );
}

/** The agent's v0 JSON as UTF-8 bytes, kept while the agent does not change. */
export function agentText(summary: AgentSummary): Uint8Array {
  const pieces = piecesOf(summary);
  const texts = summary.offered.isEmpty() ? unofferedTexts : agentTexts;
  return texts.get(summary.agent, [pieces, summary.offered], () => {
    const { offered } = summary;
    const [head, middle, tail] = pieces;
    return encoder.encode(`${head}${JSON.stringify(summarizeResources(offered))}${middle}${fullResourcesText(offered)}${tail}`);
  });
}

function agentJson({ agent, used }: AgentSummary, offered: JsonValue, offeredFull: JsonValue): Json {
  const reserved: Record<string, Resource[]> = {};
  for (const r of agent.total.reserved()) {
    const role = r.reservations[r.reservations.length - 1]!.role;
    (reserved[role] ??= []).push(r);
  }
  const sec = (ms?: number) => (ms === undefined ? undefined : ms / 1000);
  const out: Json = {
    id: agent.id,
    pid: agent.pid,
    hostname: agent.info.hostname,
    port: agent.address.port,
    registered_time: sec(agent.registeredAt)!,
    resources: summarizeResources(agent.total),
    used_resources: summarizeResources(used),
    offered_resources: offered,
    reserved_resources: Object.fromEntries(Object.entries(reserved).map(([role, rs]) => [role, summarizeResources(rs)])),
    unreserved_resources: summarizeResources(agent.total.unreserved()),
    attributes: attributes(agent.info.attributes),
    active: agent.connected,
    version: agent.version,
    capabilities: agent.capabilities.map((c) => AgentInfo_Capability_Type[c]!),
    reserved_resources_full: Object.fromEntries(Object.entries(reserved).map(([role, rs]) => [role, fullResources(rs)])),
    unreserved_resources_full: fullResources(agent.total.unreserved()),
    used_resources_full: fullResources(used),
    offered_resources_full: offeredFull,
  };
  if (agent.reregisteredAt !== undefined) out.reregistered_time = sec(agent.reregisteredAt)!;
  return out;
}

/** Mesos's json(ExecutorInfo) plus the agent it runs on. */
function executorJson({ info, agentId }: ExecutorRecord): Json {
  const out: Json = {
    executor_id: info.executorId!.value,
    name: info.name ?? "",
    framework_id: info.frameworkId?.value ?? "",
    command: info.command ? toMesosJson(CommandInfoSchema, info.command) : {},
    resources: summarizeResources(Resources.of(info.resources)),
  };
  const role = info.resources[0]?.allocationInfo?.role;
  if (role !== undefined) out.role = role;
  if (info.labels) out.labels = toMesosJson(LabelsSchema, info.labels);
  out.slave_id = agentId;
  return out;
}

/** Tasks as a JSON array, each task's text kept while it does not change. */
export const tasksText = (text: JsonText, tasks: readonly Task[]): JsonValue => text.array(tasks.map((t) => taskV0Text(t, taskJsonText)));

type TaskList = "active" | "unreachable" | "completed";
const taskListTexts = new Memo<Framework, Record<TaskList, Uint8Array | undefined>>();

/** One of a framework's lists of tasks as JSON (UTF-8 bytes), kept while none of its tasks changes. */
function taskListText(summary: FrameworkSummary, list: TaskList): Uint8Array {
  const texts = taskListTexts.get(summary.framework, [summary.revision], () => ({ active: undefined, unreachable: undefined, completed: undefined }));
  return (texts[list] ??= encoder.encode(`[${summary[list].map((t) => taskV0Text(t, taskJsonText)).join(",")}]`));
}

/** An outstanding offer as Mesos's v0 JSON has it. */
const offerText = (o: OfferRecord): string =>
  JSON.stringify({
    id: o.offer.id!.value,
    framework_id: o.frameworkId,
    allocation_info: { role: o.role },
    slave_id: o.agentId,
    resources: summarizeResources(o.resources),
  });

export function frameworkJson(summary: FrameworkSummary, text: JsonText): Json {
  const { framework: f, used, offered, offers } = summary;
  const multiRole = f.hasCapability(FrameworkInfo_Capability_Type.MULTI_ROLE);
  const out: Json = {
    id: f.id,
    name: f.info.name,
    hostname: f.info.hostname,
    webui_url: f.info.webuiUrl,
    user: f.info.user,
    principal: f.info.principal,
    failover_timeout: f.info.failoverTimeout,
    checkpoint: f.info.checkpoint,
    capabilities: f.info.capabilities.map((c) => FrameworkInfo_Capability_Type[c.type]!),
    active: f.active,
    connected: f.connected,
    recovered: f.recovered,
    registered_time: f.registeredAt / 1000,
    unregistered_time: (f.unregisteredAt ?? 0) / 1000,
    used_resources: summarizeResources(used),
    offered_resources: summarizeResources(offered),
    resources: summarizeResources(used.plus(offered)),
    tasks: text.splice(taskListText(summary, "active")),
    unreachable_tasks: text.splice(taskListText(summary, "unreachable")),
    completed_tasks: text.splice(taskListText(summary, "completed")),
    offers: text.array(offers.map((o) => offerEncoding(o, "v0", offerText))),
    executors: summary.executors.map(executorJson),
    completed_executors: [],
  };
  if (multiRole) out.roles = f.info.roles;
  else out.role = f.info.role || "*";
  if (f.reregisteredAt !== undefined) out.reregistered_time = f.reregisteredAt / 1000;
  return out;
}

/** The view's agents, in blocks kept between reads (kept-array.ts). */
const keptAgentsOf = keptPer(() => new KeptArray());

/** `/state`, as the bytes of its JSON: the kept parts one after another (byte-parts.ts). */
export function stateJson(p: MasterProjection): ByteParts {
  const { ctx } = p;
  const text = new JsonText();
  const framework = (f: FrameworkSummary) => frameworkJson(f, text);
  const agents = p.agents();
  let connected = 0;
  for (const a of agents) if (a.agent.connected) connected++;
  const pidOf = (info: MasterInfo) => `master@${info.hostname || info.address?.ip || "127.0.0.1"}:${info.port}`;
  const pid = pidOf(ctx.info);
  const leader = ctx.leader();
  return text.body({
    ...versionJson(),
    start_time: ctx.startTime / 1000,
    elected_time: ctx.startTime / 1000,
    id: ctx.info.id,
    pid,
    hostname: ctx.info.hostname,
    capabilities: ctx.info.capabilities.map((c) => MasterInfo_Capability_Type[c.type]!),
    activated_slaves: connected,
    deactivated_slaves: agents.length - connected,
    unreachable_slaves: p.unreachableAgentCount(),
    // The leading master, when one is known (tools and the web UI follow it).
    ...(leader ? { leader: pidOf(leader), leader_info: toMesosJson(MasterInfoSchema, leader) } : {}),
    flags: ctx.effectiveFlags,
    ...(ctx.flags.cluster ? { cluster: ctx.flags.cluster } : {}),
    slaves: text.splice(...keptAgentsOf(ctx).parts(agents.map(agentText))),
    recovered_slaves: p.recoveredAgents().map((info) => toMesosJson(AgentInfoSchema, info)),
    frameworks: p.frameworks().map(framework),
    completed_frameworks: p.completedFrameworks().map(framework),
    orphan_tasks: [],
    unregistered_frameworks: [],
  });
}
