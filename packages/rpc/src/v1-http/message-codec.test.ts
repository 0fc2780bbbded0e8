/** Message bodies read the way Mesos reads them. */
import { describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { internal, scheduler } from "@mesos/proto";
import { decodeMessage, encodeMessage, missingRequiredFields } from "./message-codec.ts";

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe("decodeMessage (JSON)", () => {
  test("explicit nulls are unset fields, in objects and in lists; unknown fields are ignored", () => {
    const call = decodeMessage(
      scheduler.CallSchema,
      json({
        type: "SUBSCRIBE",
        framework_id: null,
        not_a_field: { x: 1 },
        subscribe: { framework_info: { user: "u", name: "n", role: null, capabilities: [null, { type: "MULTI_ROLE" }], labels: null } },
      }),
      "json",
    );
    expect(call.type).toBe(scheduler.Call_Type.SUBSCRIBE);
    expect(call.frameworkId).toBeUndefined();
    expect(call.subscribe?.frameworkInfo?.capabilities).toHaveLength(1);
    expect(call.subscribe?.frameworkInfo?.labels).toBeUndefined();
  });

  test("bytes in base64 and 64-bit integers as numbers", () => {
    const call = decodeMessage(
      scheduler.CallSchema,
      json({
        type: "ACKNOWLEDGE",
        framework_id: { value: "f" },
        acknowledge: { agent_id: { value: "a" }, task_id: { value: "t" }, uuid: "AAECAwQFBgcICQoLDA0ODw==" },
      }),
      "json",
    );
    expect([...call.acknowledge!.uuid]).toEqual([...Array(16).keys()]);
  });

  test("Mesos's error messages", () => {
    expect(() => decodeMessage(scheduler.CallSchema, json("x").subarray(1), "json")).toThrow("Failed to parse body into JSON");
    expect(() => decodeMessage(scheduler.CallSchema, json([1]), "json")).toThrow(
      "Failed to convert JSON into Call protobuf: Expecting a JSON object",
    );
    expect(() => decodeMessage(scheduler.CallSchema, json({ type: "NOPE" }), "json")).toThrow("Failed to convert JSON into Call protobuf");
    expect(() => decodeMessage(scheduler.CallSchema, json({ type: "SUBSCRIBE", subscribe: { framework_info: { name: "n" } } }), "json")).toThrow(
      "Failed to convert JSON into Call protobuf: Missing required fields: subscribe.framework_info.user",
    );
  });
});

describe("decodeMessage (protobuf)", () => {
  test("a missing required field is refused, with its path", () => {
    // KILL with an empty `kill` message: kill.task_id is required.
    const bytes = new BinaryWriter().tag(2, WireType.Varint).int32(6).tag(6, WireType.LengthDelimited).bytes(new Uint8Array()).finish();
    expect(() => decodeMessage(scheduler.CallSchema, bytes, "protobuf")).toThrow(
      "Failed to parse body into Call protobuf: Missing required fields: kill.task_id",
    );
  });

  test("garbage is refused", () => {
    expect(() => decodeMessage(scheduler.CallSchema, new Uint8Array([0xff, 0xff, 0xff]), "protobuf")).toThrow(
      "Failed to parse body into Call protobuf",
    );
  });

  test("round trip", () => {
    const call = create(scheduler.CallSchema, { type: scheduler.Call_Type.REVIVE, frameworkId: { value: "f" }, revive: { roles: ["a"] } });
    expect(decodeMessage(scheduler.CallSchema, toBinary(scheduler.CallSchema, call), "protobuf").revive?.roles).toEqual(["a"]);
    expect(decodeMessage(scheduler.CallSchema, encodeMessage(scheduler.CallSchema, call, "json"), "json").revive?.roles).toEqual(["a"]);
  });
});

test("missingRequiredFields walks lists and maps of messages", () => {
  const call = create(scheduler.CallSchema, {
    type: scheduler.Call_Type.DECLINE,
    decline: { offerIds: [{ value: "ok" }, {}] },
  });
  expect(missingRequiredFields(scheduler.CallSchema, call)).toEqual(["decline.offer_ids[1].value"]);
});

test("missingRequiredFields looks into the member a oneof holds", () => {
  const message = (status?: object) =>
    create(internal.AgentMessageSchema, {
      agentId: { value: "a" },
      connectionId: "c",
      message: { case: "statusUpdate", value: { frameworkId: { value: "f" }, status } },
    });
  expect(missingRequiredFields(internal.AgentMessageSchema, message())).toEqual(["status_update.status"]);
  expect(missingRequiredFields(internal.AgentMessageSchema, message({ taskId: { value: "t" }, state: 1 }))).toEqual([]);
});

test("missingRequiredFields finds a hole deep in a complete-looking ACCEPT, and none in a complete one", () => {
  const task = (resourceName: string) => ({
    name: "t",
    taskId: { value: "t" },
    agentId: { value: "a" },
    resources: [
      { name: "cpus", type: 0, scalar: { value: 1 } },
      { name: resourceName, type: 0, scalar: { value: 1 } },
    ],
  });
  const accept = (resourceName: string) =>
    create(scheduler.CallSchema, {
      type: scheduler.Call_Type.ACCEPT,
      frameworkId: { value: "f" },
      accept: { offerIds: [{ value: "o" }], operations: [{ type: 1, launch: { taskInfos: [task("mem"), task(resourceName)] } }] },
    });
  expect(missingRequiredFields(scheduler.CallSchema, accept("mem"))).toEqual([]);
  const holed = accept("mem");
  holed.accept!.operations[0]!.launch!.taskInfos[1]!.resources[1]!.name = undefined as unknown as string;
  expect(missingRequiredFields(scheduler.CallSchema, holed)).toEqual(["accept.operations[0].launch.task_infos[1].resources[1].name"]);
});
