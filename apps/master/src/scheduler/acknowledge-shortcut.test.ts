/** The hand reader of ACKNOWLEDGE bodies against protobuf-es: where it reads a body, it reads what protobuf-es does. */
import { describe, expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { scheduler } from "@mesos/proto";
import fc from "fast-check";
import { readPlainAcknowledge } from "./acknowledge-shortcut.ts";

const T = scheduler.Call_Type;
const uuid = () => Uint8Array.from({ length: 16 }, (_, i) => i + 1);

describe("readPlainAcknowledge", () => {
  test("reads a plain ACKNOWLEDGE, and not the same call with a field repeated", () => {
    const plain = toBinary(
      scheduler.CallSchema,
      create(scheduler.CallSchema, {
        frameworkId: { value: "f" },
        type: T.ACKNOWLEDGE,
        acknowledge: { agentId: { value: "a" }, taskId: { value: "t" }, uuid: uuid() },
      }),
    );
    expect(readPlainAcknowledge(plain)).toEqual({ frameworkId: "f", agentId: "a", taskId: "t", uuid: uuid() });
    expect(readPlainAcknowledge(Uint8Array.from([...plain, 0x10, T.ACKNOWLEDGE]))).toBeUndefined();
    expect(readPlainAcknowledge(plain.subarray(0, plain.length - 1))).toBeUndefined();
  });

  test("agrees with protobuf-es wherever it reads a body: random fields in any order, repeated, missing, garbled", () => {
    const id = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "é", "task-1"));
    /** An id message: its value, or (null) an empty message. */
    const idMessage = (w: BinaryWriter, value: string | null) =>
      value === null ? w.fork().join() : w.fork().tag(1, WireType.LengthDelimited).string(value).join();
    const ackField = fc.oneof(
      fc.record({ agent: fc.option(id) }),
      fc.record({ task: fc.option(id) }),
      fc.record({ uuid: fc.uint8Array({ maxLength: 17 }) }),
      fc.record({ unknown: fc.nat() }),
    );
    const callField = fc.oneof(
      fc.record({ framework: fc.option(id) }),
      fc.record({ type: fc.constantFrom(T.ACKNOWLEDGE, T.ACKNOWLEDGE, T.DECLINE, 0, 300) }),
      fc.record({ acknowledge: fc.array(ackField, { maxLength: 5 }) }),
      fc.record({ unknown: fc.nat() }),
    );
    // Mostly the fields of an ACKNOWLEDGE, shuffled, some left out or added: bodies the reader may take.
    const plainId = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), id);
    const nearlyPlain = fc
      .tuple(plainId, plainId, plainId, fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 17 })))
      .chain(([framework, agent, task, uuid]) =>
        fc
          .tuple(
            fc.shuffledSubarray<{ agent: string } | { task: string } | { uuid: Uint8Array }>([{ agent }, { task }, { uuid }], { minLength: 2 }),
            fc.array(ackField, { maxLength: 1 }),
          )
          .chain(([ack, extraAck]) =>
            fc.tuple(
              fc.shuffledSubarray([{ framework }, { type: T.ACKNOWLEDGE }, { acknowledge: [...ack, ...extraAck] }], { minLength: 2 }),
              fc.array(callField, { maxLength: 1 }),
            ),
          ),
      )
      .map(([fields, extra]) => [...fields, ...extra] as typeof callField extends fc.Arbitrary<infer F> ? F[] : never);
    const mutation = fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { nil: undefined, freq: 2 });
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(fc.array(callField, { maxLength: 5 }), nearlyPlain), mutation, (fields, mutate) => {
        const w = new BinaryWriter();
        for (const f of fields) {
          if ("framework" in f) idMessage(w.tag(1, WireType.LengthDelimited), f.framework);
          else if ("type" in f) w.tag(2, WireType.Varint).int32(f.type);
          else if ("unknown" in f) w.tag(99, WireType.Varint).uint32(f.unknown);
          else {
            w.tag(8, WireType.LengthDelimited).fork();
            for (const a of f.acknowledge) {
              if ("agent" in a) idMessage(w.tag(1, WireType.LengthDelimited), a.agent);
              else if ("task" in a) idMessage(w.tag(2, WireType.LengthDelimited), a.task);
              else if ("uuid" in a) w.tag(3, WireType.LengthDelimited).bytes(a.uuid);
              else w.tag(9, WireType.Varint).uint32(a.unknown);
            }
            w.join();
          }
        }
        const bytes = w.finish();
        if (mutate && bytes.length > 0) bytes[mutate[0] % bytes.length] = mutate[1];
        const plain = readPlainAcknowledge(bytes);
        if (!plain) return;
        read++;
        const decoded = fromBinary(scheduler.CallSchema, bytes);
        expect(decoded.type).toBe(T.ACKNOWLEDGE);
        expect(plain).toEqual({
          frameworkId: decoded.frameworkId!.value,
          agentId: decoded.acknowledge!.agentId!.value,
          taskId: decoded.acknowledge!.taskId!.value,
          uuid: decoded.acknowledge!.uuid,
        });
        expect(plain.uuid.length).toBe(16);
        expect([plain.frameworkId, plain.agentId, plain.taskId]).not.toContain("");
      }),
      { numRuns: 20_000 },
    );
    // The property held on bodies it read, not only on ones it declined.
    expect(read).toBeGreaterThan(10);
  });
});
