/** The attach report's kept encoding of who the agent is: byte for byte protobuf-es's, whatever the AgentInfo holds. */
import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { MESOS_VERSION, parseResources } from "@mesos/core";
import { AgentIDSchema, type AgentInfo, AgentInfo_Capability_Type as Cap, AgentInfoSchema, internal, Value_Type } from "@mesos/proto";
import { identityBytes } from "./kept-encodings.ts";

const CAPABILITIES = [
  Cap.MULTI_ROLE,
  Cap.HIERARCHICAL_ROLE,
  Cap.RESERVATION_REFINEMENT,
  Cap.RESOURCE_PROVIDER,
  Cap.RESIZE_VOLUME,
  Cap.AGENT_OPERATION_FEEDBACK,
];

/** protobuf-es's bytes for the request's fields 1-4. */
const expected = (info: AgentInfo, endpoint: string) =>
  toBinary(
    internal.AttachRequestSchema,
    create(internal.AttachRequestSchema, { agentInfo: info, endpoint, version: MESOS_VERSION, capabilities: CAPABILITIES.map((type) => ({ type })) }),
  );

const infos = (): AgentInfo[] => [
  create(AgentInfoSchema, { hostname: "a" }),
  create(AgentInfoSchema, {
    hostname: "hollow-7",
    port: 5051,
    resources: [...parseResources("cpus:1.5;mem:384;ports:[31000-32000]")],
    attributes: [{ name: "rack", type: Value_Type.TEXT, text: { value: "r1" } }],
    domain: { faultDomain: { region: { name: "eu" }, zone: { name: "eu-1" } } },
  }),
  // Unknown fields (a newer master's) are written last, after the id.
  Object.assign(create(AgentInfoSchema, { hostname: "b", port: 1 }), {
    $unknown: [
      { no: 4, wireType: WireType.Varint, data: new Uint8Array([1]) },
      { no: 42, wireType: WireType.Varint, data: new Uint8Array([2]) },
    ],
  }),
  Object.assign(create(AgentInfoSchema, { hostname: "c" }), { $unknown: [{ no: 4, wireType: WireType.Varint, data: new Uint8Array([1]) }] }),
];

test("who the agent is: protobuf-es's bytes, without an id, with one, and with another", () => {
  for (const info of infos()) {
    expect(identityBytes(info, "http://a:5051")).toEqual(expected(info, "http://a:5051"));
    info.id = create(AgentIDSchema, { value: "agent-1" });
    expect(identityBytes(info, "http://a:5051")).toEqual(expected(info, "http://a:5051"));
    // Kept: the same bytes while nothing changed.
    expect(identityBytes(info, "http://a:5051")).toBe(identityBytes(info, "http://a:5051"));
    info.id = create(AgentIDSchema, { value: "agent-2-from-a-master-that-forgot-the-first" });
    expect(identityBytes(info, "http://a:5051")).toEqual(expected(info, "http://a:5051"));
    expect(identityBytes(info, "http://b:5051")).toEqual(expected(info, "http://b:5051"));
    info.id = Object.assign(create(AgentIDSchema, { value: "agent-3" }), {
      $unknown: [{ no: 2, wireType: WireType.Varint, data: new Uint8Array([5]) }],
    });
    expect(identityBytes(info, "http://b:5051")).toEqual(expected(info, "http://b:5051"));
  }
});
