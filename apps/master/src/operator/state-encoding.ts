/**
 * GET_STATE's answer encoded for the v1 HTTP API: the same bytes `encodeMessage` would write for
 * `getState(p)`, but with the encodings of tasks and agents kept between reads. A framework's tasks
 * are encoded again only when one of them changed (its TaskLedger revision), and then only the
 * tasks that changed (read-model/task-encodings.ts); an agent's view is the same message while the
 * agent does not change (views.ts). The message around them is encoded as usual and they are put
 * into it as they are. In protobuf that is exact because fields are written in field-number order,
 * each repeated message as its tag, length and bytes; in JSON because keys are written in that
 * order too.
 */
import { create, type JsonValue, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { toMesosJson, toMesosJsonText } from "@mesos/core";
import { master } from "@mesos/proto";
import type { MessageFormat } from "@mesos/rpc";
import type { Framework } from "../frameworks/framework.ts";
import { ByteParts } from "../read-model/byte-parts.ts";
import { JsonText } from "../read-model/json-text.ts";
import { KeptArray, KeptBlocks, keptPer } from "../read-model/kept-array.ts";
import type { FrameworkSummary, MasterProjection } from "../read-model/master-projection.ts";
import { Memo } from "../read-model/memo.ts";
import { taskV1Binary, taskV1Text } from "../read-model/task-encodings.ts";
import { getAgents, getExecutors, getFrameworks } from "./views.ts";

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
const GET_AGENTS_FIELD = master.Response_GetStateSchema.field.getAgents!.number;
const AGENTS_FIELD = master.Response_GetAgentsSchema.field.agents!.number;

const encoder = new TextEncoder();

/** A framework's lists of tasks, encoded: kept while its revision stays the same. */
const frameworkTasks = new Memo<Framework, { json: Partial<Record<TaskList, Uint8Array>>; binary: Partial<Record<TaskList, Uint8Array>> }>();
const agentTexts = new WeakMap<master.Response_GetAgents_Agent, Uint8Array>();
const agentBytes = new WeakMap<master.Response_GetAgents_Agent, Uint8Array>();

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

function agentText(agent: master.Response_GetAgents_Agent): Uint8Array {
  let text = agentTexts.get(agent);
  if (text === undefined) agentTexts.set(agent, (text = encoder.encode(toMesosJsonText(master.Response_GetAgents_AgentSchema, agent))));
  return text;
}

function agentBinary(agent: master.Response_GetAgents_Agent): Uint8Array {
  let bytes = agentBytes.get(agent);
  if (bytes === undefined) agentBytes.set(agent, (bytes = toBinary(master.Response_GetAgents_AgentSchema, agent)));
  return bytes;
}

/** The answer's bytes: the kept parts one after another, never joined (byte-parts.ts, json-text.ts). */
export function encodeStateResponse(p: MasterProjection, format: MessageFormat): ByteParts {
  const frameworks = p.allFrameworks();
  const agents = getAgents(p);
  const listed = agents.agents;
  agents.agents = [];
  // Everything but the tasks and the agents, encoded as usual.
  const state = create(master.Response_GetStateSchema, {
    getTasks: {},
    getExecutors: getExecutors(p),
    getFrameworks: getFrameworks(p),
    getAgents: agents,
  });
  if (format === "json") {
    const text = new JsonText();
    const response = create(master.ResponseSchema, { type: master.Response_Type.GET_STATE, getState: state });
    type StateJson = { get_state: { get_tasks: Record<string, JsonValue>; get_agents: Record<string, JsonValue> } };
    const json = toMesosJson(master.ResponseSchema, response) as StateJson;
    for (const { field, of } of TASK_LISTS) {
      const parts = frameworks.map((f) => tasksJson(f, of)).filter((part) => part.length > 0);
      if (parts.length > 0) json.get_state.get_tasks[field.name] = text.array(parts);
    }
    // `agents` is GetAgents' first field: before `recovered_agents`.
    if (listed.length > 0) {
      json.get_state.get_agents = { agents: text.splice(...keptAgentTexts(p.ctx).parts(listed.map(agentText))), ...json.get_state.get_agents };
    }
    return text.body(json as JsonValue);
  }
  const taskParts: Uint8Array[] = [];
  for (const { field, of } of TASK_LISTS) for (const f of frameworks) taskParts.push(tasksBinary(f, of, field.number));
  const agentParts = [...keptAgentEntries(p.ctx).blocks(listed.map(agentBinary)), toBinary(master.Response_GetAgentsSchema, agents)];
  state.getTasks = undefined;
  state.getAgents = undefined;
  // get_tasks is GetState's first field and get_agents its last.
  const stateParts = [
    fieldHead(GET_TASKS_FIELD, lengthOf(taskParts)),
    ...taskParts,
    toBinary(master.Response_GetStateSchema, state),
    fieldHead(GET_AGENTS_FIELD, lengthOf(agentParts)),
    ...agentParts,
  ];
  return ByteParts.of([
    toBinary(master.ResponseSchema, create(master.ResponseSchema, { type: master.Response_Type.GET_STATE })),
    fieldHead(GET_STATE_FIELD, lengthOf(stateParts)),
    ...stateParts,
  ]);
}
