/**
 * GET_STATE's answer encoded for the v1 HTTP API: the same bytes `encodeMessage` would write for
 * `getState(p)`, but with the encodings of tasks and agents kept between reads. A framework's tasks
 * are encoded again only when one of them changed (its TaskLedger revision), and then only the
 * tasks that changed (read-model/task-encodings.ts); an agent's view is the same message while the
 * agent does not change (views.ts); a framework's offers are each encoded once
 * (framework-pieces.ts). The message around them is encoded as usual and they are put
 * into it as they are. In protobuf that is exact because fields are written in field-number order,
 * each repeated message as its tag, length and bytes; in JSON because keys are written in that
 * order too.
 */
import { create, type JsonValue, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { endpointResource, toMesosJson, toMesosJsonText } from "@mesos/core";
import { master, type Resource, ResourceSchema, Value_Type } from "@mesos/proto";
import { concatBytes, type MessageFormat } from "@mesos/rpc";
import type { Agent } from "../agents/agent.ts";
import type { Framework } from "../frameworks/framework.ts";
import { ByteParts } from "../read-model/byte-parts.ts";
import { JsonText } from "../read-model/json-text.ts";
import { KeptArray, KeptBlocks, keptPer } from "../read-model/kept-array.ts";
import { type AgentSummary, agentInputsBesidesOffers, type FrameworkSummary, type MasterProjection } from "../read-model/master-projection.ts";
import { Memo } from "../read-model/memo.ts";
import { taskV1Binary, taskV1Text } from "../read-model/task-encodings.ts";
import { frameworkBinaryParts, frameworkTextParts } from "./framework-pieces.ts";
import { encodeAgent, getExecutors } from "./views.ts";

const F = master.Response_GetTasksSchema.field;
/** GetTasks' lists (as getTasks() fills them: every framework's, in turn) in field-number order. */
const TASK_LISTS = (
  [
    { field: F.tasks!, of: "active" },
    { field: F.completedTasks!, of: "completed" },
    { field: F.unreachableTasks!, of: "unreachable" },
  ] as const
).toSorted((a, b) => a.field.number - b.field.number);
type TaskList = (typeof TASK_LISTS)[number]["of"];

const GET_STATE_FIELD = master.ResponseSchema.field.getState!.number;
const GET_TASKS_FIELD = master.Response_GetStateSchema.field.getTasks!.number;
const GET_FRAMEWORKS_FIELD = master.Response_GetStateSchema.field.getFrameworks!.number;
const GET_AGENTS_FIELD = master.Response_GetStateSchema.field.getAgents!.number;
const FRAMEWORKS_FIELD = master.Response_GetFrameworksSchema.field.frameworks!.number;
const COMPLETED_FRAMEWORKS_FIELD = master.Response_GetFrameworksSchema.field.completedFrameworks!.number;
const AGENTS_FIELD = master.Response_GetAgentsSchema.field.agents!.number;
const OFFERED_FIELD = master.Response_GetAgents_AgentSchema.field.offeredResources!.number;

const encoder = new TextEncoder();

/** A framework's lists of tasks, encoded: kept while its revision stays the same. */
const frameworkTasks = new Memo<Framework, { json: Partial<Record<TaskList, Uint8Array>>; binary: Partial<Record<TaskList, Uint8Array>> }>();

/** The view's agents, in blocks kept between reads (kept-array.ts): as JSON texts, and as GetAgents' repeated `agents`. */
const keptAgentTexts = keptPer(() => new KeptArray());
const keptAgentEntries = keptPer(
  () =>
    new KeptBlocks((agents) => {
      const w = new BinaryWriter();
      for (const a of agents) w.tag(AGENTS_FIELD, WireType.LengthDelimited).bytes(a);
      return w.finish();
    }),
);

/** A length-delimited field's tag and length, for `length` bytes that follow as parts of their own. */
const fieldHead = (field: number, length: number): Uint8Array => new BinaryWriter().tag(field, WireType.LengthDelimited).uint32(length).finish();
const lengthOf = (parts: readonly Uint8Array[]): number => parts.reduce((n, p) => n + p.length, 0);

const encoded = (f: FrameworkSummary) => frameworkTasks.get(f.framework, [f.revision], () => ({ json: {}, binary: {} }));

/** The framework's tasks of one list as JSON texts joined by commas, in UTF-8 (empty for none). */
function tasksJson(f: FrameworkSummary, list: TaskList): Uint8Array {
  const e = encoded(f);
  return (e.json[list] ??= encoder.encode(f[list].map(taskV1Text).join(",")));
}

/** The framework's tasks of one list as repeated `field` entries of GetTasks. */
function tasksBinary(f: FrameworkSummary, list: TaskList, field: number): Uint8Array {
  const e = encoded(f);
  if (!e.binary[list]) {
    const w = new BinaryWriter();
    for (const t of f[list]) w.tag(field, WireType.LengthDelimited).bytes(taskV1Binary(t));
    e.binary[list] = w.finish();
  }
  return e.binary[list];
}

/**
 * An agent's encodings around its offered resources (GetAgents.Agent's `offered_resources`), kept
 * while the rest of the agent is the same: a framework that keeps declining is offered most agents
 * every allocation cycle, and encoding whole agents again for that was half of a GET_STATE read
 * while one churned. Made by encoding the agent offered a stand-in resource and cutting it out.
 */
interface AgentPieces {
  /** The JSON text before the offered resources' elements (it ends `"offered_resources":[`) and after them (from `]`). */
  json: readonly [string, string];
  /** The protobuf bytes before and after the offered resources' entries. */
  binary: readonly [Uint8Array, Uint8Array];
}
const agentPieces = new Memo<Agent, AgentPieces>();
const agentTexts = new Memo<Agent, Uint8Array>();
const agentBytes = new Memo<Agent, Uint8Array>();
/** An agent offered nothing, kept apart (its offers come and go between reads while a framework declines; v0-json.ts). */
const unofferedTexts = new Memo<Agent, Uint8Array>();
const unofferedBytes = new Memo<Agent, Uint8Array>();
/** Unique to this process, so nothing else in an agent's encoding can match it. */
const STAND_IN = create(ResourceSchema, { name: `\u0000offered:${Math.random().toString(36).slice(2)}`, type: Value_Type.SCALAR });
const STAND_IN_TEXT = toMesosJsonText(ResourceSchema, STAND_IN);
const offeredEntry = (r: Resource) => new BinaryWriter().tag(OFFERED_FIELD, WireType.LengthDelimited).bytes(toBinary(ResourceSchema, r)).finish();
const STAND_IN_ENTRY = offeredEntry(STAND_IN);
const OFFERED_KEY = `,"${master.Response_GetAgents_AgentSchema.field.offeredResources!.name}":[`;

function piecesOf(summary: AgentSummary): AgentPieces {
  return agentPieces.get(summary.agent, agentInputsBesidesOffers(summary), () => {
    const agent = encodeAgent(summary, [STAND_IN]);
    const [before, after] = toMesosJsonText(master.Response_GetAgents_AgentSchema, agent).split(STAND_IN_TEXT) as [string, string];
    const bytes = toBinary(master.Response_GetAgents_AgentSchema, agent);
    const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(STAND_IN_ENTRY);
    return { json: [before, after], binary: [bytes.subarray(0, at), bytes.subarray(at + STAND_IN_ENTRY.length)] };
  });
}

const offeredOf = (summary: AgentSummary): Resource[] => summary.offered.toArray().map(endpointResource);

/** The agent as GetAgents.Agent's JSON text, in UTF-8. */
function agentText(summary: AgentSummary): Uint8Array {
  const pieces = piecesOf(summary);
  const texts = summary.offered.isEmpty() ? unofferedTexts : agentTexts;
  return texts.get(summary.agent, [pieces, summary.offered], () => {
    const [before, after] = pieces.json;
    const offered = offeredOf(summary);
    // An empty repeated field is left out, its key too.
    if (offered.length === 0) return encoder.encode(before.slice(0, -OFFERED_KEY.length) + after.slice(1));
    return encoder.encode(before + offered.map((r) => toMesosJsonText(ResourceSchema, r)).join(",") + after);
  });
}

/** The agent as GetAgents.Agent's protobuf bytes. */
function agentBinary(summary: AgentSummary): Uint8Array {
  const pieces = piecesOf(summary);
  const bytes = summary.offered.isEmpty() ? unofferedBytes : agentBytes;
  return bytes.get(summary.agent, [pieces, summary.offered], () => {
    const [before, after] = pieces.binary;
    return concatBytes([before, ...offeredOf(summary).map(offeredEntry), after]);
  });
}

/** The answer's bytes: the kept parts one after another, never joined (byte-parts.ts, json-text.ts). */
export function encodeStateResponse(p: MasterProjection, format: MessageFormat): ByteParts {
  const frameworks = p.allFrameworks();
  const listed = p.agents();
  const [live, completed] = [p.frameworks(), p.completedFrameworks()];
  const agents = create(master.Response_GetAgentsSchema, { recoveredAgents: p.recoveredAgents() });
  // Everything but the tasks, the frameworks and the agents, encoded as usual.
  const state = create(master.Response_GetStateSchema, {
    getTasks: {},
    getExecutors: getExecutors(p),
    getFrameworks: { recoveredFrameworks: p.recoveredFrameworks().map((f) => f.info) },
    getAgents: agents,
  });
  if (format === "json") {
    const text = new JsonText();
    const response = create(master.ResponseSchema, { type: master.Response_Type.GET_STATE, getState: state });
    type StateJson = { get_state: Record<"get_tasks" | "get_frameworks" | "get_agents", Record<string, JsonValue>> };
    const json = toMesosJson(master.ResponseSchema, response) as StateJson;
    for (const { field, of } of TASK_LISTS) {
      const parts = frameworks.map((f) => tasksJson(f, of)).filter((part) => part.length > 0);
      if (parts.length > 0) json.get_state.get_tasks[field.name] = text.array(parts);
    }
    // `frameworks` and `completed_frameworks` are GetFrameworks' first fields: before `recovered_frameworks`.
    json.get_state.get_frameworks = {
      ...(live.length > 0 ? { frameworks: text.array(live.map(frameworkTextParts)) } : {}),
      ...(completed.length > 0 ? { completed_frameworks: text.array(completed.map(frameworkTextParts)) } : {}),
      ...json.get_state.get_frameworks,
    };
    // `agents` is GetAgents' first field: before `recovered_agents`.
    if (listed.length > 0) {
      json.get_state.get_agents = { agents: text.splice(...keptAgentTexts(p.ctx).parts(listed.map(agentText))), ...json.get_state.get_agents };
    }
    return text.body(json as JsonValue);
  }
  const taskParts: Uint8Array[] = [];
  for (const { field, of } of TASK_LISTS) for (const f of frameworks) taskParts.push(tasksBinary(f, of, field.number));
  const frameworkParts: Uint8Array[] = [];
  for (const [list, field] of [
    [live, FRAMEWORKS_FIELD],
    [completed, COMPLETED_FRAMEWORKS_FIELD],
  ] as const) {
    for (const f of list) {
      const parts = frameworkBinaryParts(f);
      frameworkParts.push(fieldHead(field, lengthOf(parts)), ...parts);
    }
  }
  frameworkParts.push(toBinary(master.Response_GetFrameworksSchema, state.getFrameworks!));
  const agentParts = [...keptAgentEntries(p.ctx).blocks(listed.map(agentBinary)), toBinary(master.Response_GetAgentsSchema, agents)];
  state.getTasks = undefined;
  state.getFrameworks = undefined;
  state.getAgents = undefined;
  // GetState's fields in order: get_tasks, get_executors, get_frameworks, get_agents.
  const stateParts = [
    fieldHead(GET_TASKS_FIELD, lengthOf(taskParts)),
    ...taskParts,
    toBinary(master.Response_GetStateSchema, state),
    fieldHead(GET_FRAMEWORKS_FIELD, lengthOf(frameworkParts)),
    ...frameworkParts,
    fieldHead(GET_AGENTS_FIELD, lengthOf(agentParts)),
    ...agentParts,
  ];
  return ByteParts.of([
    toBinary(master.ResponseSchema, create(master.ResponseSchema, { type: master.Response_Type.GET_STATE })),
    fieldHead(GET_STATE_FIELD, lengthOf(stateParts)),
    ...stateParts,
  ]);
}
