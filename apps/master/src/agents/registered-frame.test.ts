import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { internal, MasterInfoSchema } from "@mesos/proto";
import { registeredFrame } from "./registered-frame.ts";

test("the hand-encoded Registered is byte for byte what protobuf-es encodes", () => {
  const info = create(MasterInfoSchema, {
    id: "m1",
    ip: 16777343,
    port: 5050,
    hostname: "master.example",
    version: "1.8.0",
    address: { hostname: "master.example", ip: "127.0.0.1", port: 5050 },
    capabilities: [{ type: 1 }],
  });
  const fields = { agentId: "agent-S1", connectionId: "c0nn-ü", pingIntervalSeconds: 15, totalPingTimeoutSeconds: 75 };
  const expected = toBinary(
    internal.MasterMessageSchema,
    create(internal.MasterMessageSchema, {
      message: { case: "registered", value: { ...fields, agentId: { value: fields.agentId }, masterInfo: info } },
    }),
  );
  expect(registeredFrame(info, fields)).toEqual(expected);
  // The cached MasterInfo encoding is reused; lengths over 127 take two bytes.
  const long = "S".repeat(300);
  expect(registeredFrame(info, { ...fields, agentId: long })).toEqual(
    toBinary(
      internal.MasterMessageSchema,
      create(internal.MasterMessageSchema, {
        message: { case: "registered", value: { ...fields, agentId: { value: long }, masterInfo: info } },
      }),
    ),
  );
});
