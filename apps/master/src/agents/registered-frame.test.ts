import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { internal, MasterInfoSchema, TaskState, TaskStatus_Reason, TaskStatus_Source } from "@mesos/proto";
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

test("reconciliations follow, as protobuf-es encodes them", () => {
  const info = create(MasterInfoSchema, { id: "m1", ip: 16777343, port: 5050, hostname: "master.example" });
  const reconciliations = [
    create(internal.ReconcileTasksSchema, {
      frameworkId: { value: "fw-1" },
      framework: { id: { value: "fw-1" }, name: "f", user: "u", capabilities: [{ type: 8 }] },
      statuses: [
        {
          taskId: { value: "t-1" },
          agentId: { value: "agent-S1" },
          state: TaskState.TASK_STAGING,
          source: TaskStatus_Source.MASTER,
          message: "Reconciliation request",
          reason: TaskStatus_Reason.RECONCILIATION,
          timestamp: 1700000000.25,
        },
      ],
    }),
    create(internal.ReconcileTasksSchema, {
      frameworkId: { value: "fw-2" },
      statuses: [{ taskId: { value: "x".repeat(200) }, state: TaskState.TASK_RUNNING }],
    }),
  ];
  const fields = { agentId: "agent-S1", connectionId: "c", pingIntervalSeconds: 15, totalPingTimeoutSeconds: 75, reconciliations };
  expect(registeredFrame(info, fields)).toEqual(
    toBinary(
      internal.MasterMessageSchema,
      create(internal.MasterMessageSchema, {
        message: { case: "registered", value: { ...fields, agentId: { value: fields.agentId }, masterInfo: info } },
      }),
    ),
  );
});
