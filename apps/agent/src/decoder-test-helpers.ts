/** Shared by the agent's hand-decoder tests: a frame read by hand must give what protobuf-es gives. */
import { expect } from "bun:test";
import { equals, fromBinary } from "@bufbuild/protobuf";
import { internal } from "@mesos/proto";
import { decodeMasterMessage } from "./master-message-decoder.ts";

const schema = internal.MasterMessageSchema;

/** The same message either way, or both refuse the frame. */
export function expectSameAsProtobufEs(frame: Uint8Array): void {
  let expected: internal.MasterMessage | undefined;
  try {
    expected = fromBinary(schema, frame);
  } catch {
    expect(() => decodeMasterMessage(frame)).toThrow();
    return;
  }
  const got = decodeMasterMessage(frame);
  expect(equals(schema, got, expected)).toBe(true);
  // Equal as the agent reads them too (`equals` compares the fields set).
  expect(got).toEqual(expected);
}
