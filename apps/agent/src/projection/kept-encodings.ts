/**
 * Encodings of what an attach report (report.ts) carries besides the tasks, kept beside the values
 * they encode: a FrameworkInfo (ctx.frameworks holds the one of the framework's last launch, whose
 * bytes came in its RunTask) and the agent's checkpointed resources (a Resources is never changed,
 * only replaced). After a failover every agent reports at once, and encoding its frameworks and
 * resources again (a copy of each resource first) was a fifth of what building a report cost.
 * Neither is changed in place once the agent holds it: a changed one is a new object, encoded anew.
 * The same for the request's fields that say who the agent is (its AgentInfo, endpoint, version and
 * capabilities): the AgentInfo is changed only by getting an id (a new AgentID object).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { MESOS_VERSION, type Resources } from "@mesos/core";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import {
  type AgentID,
  AgentIDSchema,
  type AgentInfo,
  AgentInfo_Capability_Type as Cap,
  AgentInfoSchema,
  type FrameworkInfo,
  FrameworkInfoSchema,
  internal,
  ResourceSchema,
} from "@mesos/proto";
import { concatBytes, varintSize, writeVarint } from "@mesos/rpc";

const frameworks = new WeakMap<FrameworkInfo, Uint8Array>();
const resources = new WeakMap<Resources, Uint8Array[]>();

/** `bytes` are `info`'s encoding as it arrived (a RunTask's framework_info): the report reuses them. */
export function keepFrameworkBytes(info: FrameworkInfo, bytes: Uint8Array): void {
  frameworks.set(info, bytes);
}

export function frameworkBytes(info: FrameworkInfo): Uint8Array {
  let bytes = frameworks.get(info);
  if (!bytes) frameworks.set(info, (bytes = toBinary(FrameworkInfoSchema, info)));
  return bytes;
}

/** Each resource's encoding, in order. */
export function resourcesBytes(total: Resources): Uint8Array[] {
  let bytes = resources.get(total);
  if (!bytes) resources.set(total, (bytes = [...total].map((r) => toBinary(ResourceSchema, r))));
  return bytes;
}

const AGENT_CAPABILITIES = [
  Cap.MULTI_ROLE,
  Cap.HIERARCHICAL_ROLE,
  Cap.RESERVATION_REFINEMENT,
  Cap.RESOURCE_PROVIDER,
  Cap.RESIZE_VOLUME,
  Cap.AGENT_OPERATION_FEEDBACK,
];

/** The identity fields' encoding without the agent's id, split where the id goes; and the last made with an id. */
interface KeptIdentity {
  endpoint: string;
  /** The AgentInfo's fields before the id (1-5), and after it (7 on, and unknown fields). */
  before: Uint8Array;
  after: Uint8Array;
  /** Fields 2-4 (endpoint, version, capabilities). */
  rest: Uint8Array;
  last?: { id: AgentID; bytes: Uint8Array };
}
const identities = new WeakMap<AgentInfo, KeptIdentity>();

const AGENT_INFO_FIELD = 1;
const AGENT_ID_FIELD = AgentInfoSchema.field.id!.number;
const AGENT_INFO_NUMBERS = new Set(AgentInfoSchema.fields.map((f) => f.number));

/**
 * An AttachRequest's fields 1-4 (agent_info, endpoint, version, capabilities) as protobuf-es
 * writes them: the report's first bytes (protobuf-es writes fields in number order). The agent gets
 * its id after its first attach: the encoding made then, without one, takes the id spliced in.
 */
export function identityBytes(info: AgentInfo, endpoint: string): Uint8Array {
  let kept = identities.get(info);
  if (!kept || kept.endpoint !== endpoint) identities.set(info, (kept = keepIdentity(info, endpoint)));
  const id = info.id;
  if (!id) return concatBytes([tagged(AGENT_INFO_FIELD, [kept.before, kept.after]), kept.rest]);
  if (kept.last?.id !== id) {
    const agentInfo = tagged(AGENT_INFO_FIELD, [kept.before, tagged(AGENT_ID_FIELD, [agentIdBytes(id)]), kept.after]);
    kept.last = { id, bytes: concatBytes([agentInfo, kept.rest]) };
  }
  return kept.last.bytes;
}

/** An AgentID's bytes: its value (field 1), or protobuf-es's encoding if it has more. */
function agentIdBytes(id: AgentID): Uint8Array {
  if (id.$unknown || !Object.hasOwn(id, "value")) return toBinary(AgentIDSchema, id);
  return tagged(1, [encoder.encode(id.value)]);
}

const encoder = new TextEncoder();

function keepIdentity(info: AgentInfo, endpoint: string): KeptIdentity {
  const request = create(internal.AttachRequestSchema, {
    agentInfo: { ...info, id: undefined },
    endpoint,
    version: MESOS_VERSION,
    capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
  });
  const bytes = toBinary(internal.AttachRequestSchema, request);
  // Field 1 first: its tag, its length, the AgentInfo; then fields 2-4.
  const reader = new BinaryReader(bytes);
  reader.tag();
  const agentInfo = reader.bytes();
  const rest = bytes.subarray(reader.pos);
  // The AgentInfo's known fields in number order, then unknown ones: the id goes before the first
  // known field numbered above it, or the first unknown one.
  const fields = new BinaryReader(agentInfo);
  let split = agentInfo.length;
  while (fields.pos < agentInfo.length) {
    const at = fields.pos;
    const [number, wireType] = fields.tag();
    if (number > AGENT_ID_FIELD || !AGENT_INFO_NUMBERS.has(number)) {
      split = at;
      break;
    }
    fields.skip(wireType, number);
  }
  return { endpoint, before: agentInfo.subarray(0, split), after: agentInfo.subarray(split), rest };
}

/** Field `number`'s tag and length, then `parts` (a message's encoding, in pieces). */
function tagged(number: number, parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const head = new Uint8Array(varintSize(tag(number)) + varintSize(length));
  writeVarint(head, writeVarint(head, 0, tag(number)), length);
  return concatBytes([head, ...parts]);
}

const tag = (number: number) => (number << 3) | WireType.LengthDelimited;
