/**
 * toMesosJsonText writes exactly `JSON.stringify(toMesosJson(schema, message))`: over random
 * messages (test/support/fuzz-messages.ts: every field kind, unknown enum values, 64-bit extremes,
 * NaN and the infinities, strings that need escaping) of the types the state views encode, a type
 * written through toMesosJson (a map field), and a proto3 type (implicit presence).
 * MESOS_FUZZ_RUNS raises the runs per type.
 */
import { expect, test } from "bun:test";
import { create, type DescMessage } from "@bufbuild/protobuf";
import { fuzzRuns, toMesosJson, toMesosJsonText } from "@mesos/core";
import {
  AgentInfoSchema,
  ContainerStatusSchema,
  ExecutorInfoSchema,
  FrameworkInfoSchema,
  master,
  ResourceSchema,
  TaskSchema,
  TaskStatusSchema,
} from "@mesos/proto";
import { VolumeCapabilitySchema } from "@mesos/proto/csi";
import { CapacityRangeSchema } from "@mesos/proto/csi/v1";
import fc from "fast-check";
import { messageArbitrary } from "../support/fuzz-messages.ts";

const RUNS = fuzzRuns(400);

const plain = (schema: DescMessage, message: unknown) => JSON.stringify(toMesosJson(schema, message as never));

const schemas: [string, DescMessage][] = [
  ["TaskStatus", TaskStatusSchema],
  ["Task", TaskSchema],
  ["Resource", ResourceSchema],
  ["ContainerStatus", ContainerStatusSchema],
  ["ExecutorInfo", ExecutorInfoSchema],
  ["AgentInfo", AgentInfoSchema],
  ["GetAgents.Agent", master.Response_GetAgents_AgentSchema],
  ["FrameworkInfo (a map field: written through toMesosJson)", FrameworkInfoSchema],
  ["csi VolumeCapability (proto3: implicit presence, a oneof)", VolumeCapabilitySchema],
  ["csi.v1 CapacityRange (proto3 64-bit integers)", CapacityRangeSchema],
];

for (const [name, schema] of schemas) {
  test(`${name}: the same text as JSON.stringify(toMesosJson(...))`, () => {
    fc.assert(
      fc.property(messageArbitrary(schema, 4), (message) => {
        expect(toMesosJsonText(schema, message as never)).toBe(plain(schema, message));
      }),
      { numRuns: RUNS },
    );
  });
}

test("a message missing a required field throws as toMesosJson does", () => {
  const status = create(TaskStatusSchema, {});
  expect(() => plain(TaskStatusSchema, status)).toThrow();
  expect(() => toMesosJsonText(TaskStatusSchema, status)).toThrow();
});

test("64-bit integers beyond 2^53 are the nearest double, as Mesos's JSON numbers", () => {
  const status = create(TaskStatusSchema, { taskId: { value: "t" }, state: 1, unreachableTime: { nanoseconds: 2n ** 63n - 1n } });
  expect(toMesosJsonText(TaskStatusSchema, status)).toBe(plain(TaskStatusSchema, status));
  expect(toMesosJsonText(TaskStatusSchema, status)).toContain('"nanoseconds":9223372036854776000');
});
