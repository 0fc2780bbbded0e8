/** A Registered read by hand gives the message protobuf-es decodes from it; other shapes are left to protobuf-es. */
import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { internal, MasterInfo_Capability_Type } from "@mesos/proto";
import fc from "fast-check";
import { mutateBytes } from "@mesos/core/fuzz";
import { expectSameAsProtobufEs } from "./decoder-test-helpers.ts";
import { readRegistered } from "./registered-decoder.ts";

const schema = internal.MasterMessageSchema;

const masterInfo = (id: string) => ({
  id,
  ip: 16777343,
  port: 5050,
  pid: "master@127.0.0.1:5050",
  hostname: "localhost",
  version: "1.8.1",
  address: { hostname: "localhost", ip: "127.0.0.1", port: 5050 },
  capabilities: [{ type: MasterInfo_Capability_Type.AGENT_UPDATE }],
});

function registered(value: Partial<internal.Registered> | Record<string, unknown>): Uint8Array {
  return toBinary(schema, create(schema, { message: { case: "registered", value: value as internal.Registered } }));
}

const usual = (agentId: string, connectionId: string, masterId = "m1") =>
  registered({ agentId: { value: agentId }, masterInfo: masterInfo(masterId), connectionId, pingIntervalSeconds: 15, totalPingTimeoutSeconds: 75 });

test("a Registered as a master writes it is read by hand, as protobuf-es reads it", () => {
  const frame = usual("c0ffee00-0000-4000-8000-000000000000-S7", "3b1f9a52-0d2c-4c55-9a43-7f1ad0e4f001");
  const m = readRegistered(frame);
  expect(m?.message.case).toBe("registered");
  if (m?.message.case !== "registered") return;
  expect(m.message.value.agentId?.value).toBe("c0ffee00-0000-4000-8000-000000000000-S7");
  expect(m.message.value.connectionId).toBe("3b1f9a52-0d2c-4c55-9a43-7f1ad0e4f001");
  expect(m.message.value.totalPingTimeoutSeconds).toBe(75);
  expect(m.message.value.masterInfo?.address?.port).toBe(5050);
  expectSameAsProtobufEs(frame);
});

test("the MasterInfo of one master is decoded once and shared; another master's is its own", () => {
  const a = readRegistered(usual("A1", "c1", "m1"));
  const b = readRegistered(usual("A2", "c2", "m1"));
  const c = readRegistered(usual("A3", "c3", "m2"));
  if (a?.message.case !== "registered" || b?.message.case !== "registered" || c?.message.case !== "registered") throw new Error("not read");
  expect(b.message.value.masterInfo).toBe(a.message.value.masterInfo!);
  expect(c.message.value.masterInfo?.id).toBe("m2");
  const again = readRegistered(usual("A4", "c4", "m1"));
  if (again?.message.case !== "registered") throw new Error("not read");
  expect(again.message.value.masterInfo?.id).toBe("m1");
});

test("other shapes are left to protobuf-es and decode the same", () => {
  const info = masterInfo("m");
  const unusual = [
    // No timeouts; reconciliations; a non-ASCII connection id; an empty agent id; no MasterInfo.
    registered({ agentId: { value: "A" }, masterInfo: info, connectionId: "c" }),
    registered({ agentId: { value: "A" }, masterInfo: info, connectionId: "c", reconciliations: [{ frameworkId: { value: "f" }, statuses: [] }] }),
    registered({ agentId: { value: "A" }, masterInfo: info, connectionId: "connexión" }),
    registered({ agentId: { value: "" }, masterInfo: info, connectionId: "c" }),
  ];
  // No MasterInfo (protobuf-es writes no frame without it): agent_id, connection_id, total_ping_timeout_seconds 75.
  const noInfo = [0x0a, 0x03, 0x0a, 0x01, 0x41, 0x1a, 0x01, 0x63, 0x29, 0, 0, 0, 0, 0, 0xc0, 0x52, 0x40];
  unusual.push(new Uint8Array([0x0a, noInfo.length, ...noInfo]));
  for (const frame of unusual) {
    expectSameAsProtobufEs(frame);
  }
  for (const i of [1, 2, 3, 4]) expect(readRegistered(unusual[i]!)).toBeUndefined();
  // A field twice (protobuf keeps the last scalar, merges messages), an unknown field, a truncated double.
  const body = fromBinary(schema, usual("A", "c")).message.value as internal.Registered;
  const inner = toBinary(internal.RegisteredSchema, body);
  const wrap = (bytes: number[]) => new Uint8Array([0x0a, bytes.length, ...bytes]);
  for (const extra of [
    [0x1a, 0x01, 0x64], // connection_id again
    [0x29, 0, 0, 0, 0, 0, 0, 0x24, 0x40], // total_ping_timeout_seconds again (10)
    [0x0a, 0x03, 0x0a, 0x01, 0x42], // agent_id again (merged)
    [0x38, 0x01], // field 7, unknown
  ]) {
    const frame = wrap([...inner, ...extra]);
    expect(readRegistered(frame)).toBeUndefined();
    expectSameAsProtobufEs(frame);
  }
  expectSameAsProtobufEs(wrap([...inner.subarray(0, inner.length - 3)]));
});

test("fuzz: Registered frames and bytes changed from one decode as protobuf-es decodes them", () => {
  const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 10 }));
  fc.assert(
    // NaN is never equal to itself, whoever reads it.
    fc.property(text, text, text, fc.double({ noNaN: true }), (agentId, connectionId, masterId, timeout) => {
      expectSameAsProtobufEs(
        registered({ agentId: { value: agentId }, masterInfo: masterInfo(masterId), connectionId, totalPingTimeoutSeconds: timeout }),
      );
    }),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(mutateBytes(usual("c0ffee00-0000-4000-8000-000000000000-S7", "3b1f9a52")), (frame) => expectSameAsProtobufEs(frame)),
    { numRuns: 1000 },
  );
}, 30_000); // the runs take a few seconds on a busy machine
