/** The hand reader of RECONCILE bodies against protobuf-es: where it reads a body, it reads what protobuf-es does. */
import { describe, expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { scheduler } from "@mesos/proto";
import fc from "fast-check";
import { readPlainReconcile } from "./reconcile-shortcut.ts";

const T = scheduler.Call_Type;

describe("readPlainReconcile", () => {
  test("reads a plain RECONCILE (and an implicit one), not the same call with a field repeated or cut short", () => {
    const call = (tasks: { taskId: string; agentId?: string }[]) =>
      toBinary(
        scheduler.CallSchema,
        create(scheduler.CallSchema, {
          frameworkId: { value: "f" },
          type: T.RECONCILE,
          reconcile: { tasks: tasks.map((t) => ({ taskId: { value: t.taskId }, agentId: t.agentId ? { value: t.agentId } : undefined })) },
        }),
      );
    const plain = call([{ taskId: "t1", agentId: "a" }, { taskId: "t2" }]);
    expect(readPlainReconcile(plain)).toEqual({
      frameworkId: "f",
      tasks: [
        { taskId: "t1", agentId: "a" },
        { taskId: "t2", agentId: undefined },
      ],
    });
    expect(readPlainReconcile(call([]))).toEqual({ frameworkId: "f", tasks: [] });
    expect(readPlainReconcile(Uint8Array.from([...plain, 0x10, T.RECONCILE]))).toBeUndefined();
    expect(readPlainReconcile(plain.subarray(0, plain.length - 1))).toBeUndefined();
  });

  test("agrees with protobuf-es wherever it reads a body: random fields in any order, repeated, missing, garbled", () => {
    const id = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "é", "task-1"));
    const plainId = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), id);
    /** An id message: its value, or (null) an empty message. */
    const idMessage = (w: BinaryWriter, value: string | null) =>
      value === null ? w.fork().join() : w.fork().tag(1, WireType.LengthDelimited).string(value).join();
    const taskField = fc.oneof(fc.record({ task: fc.option(plainId) }), fc.record({ agent: fc.option(plainId) }), fc.record({ unknown: fc.nat() }));
    // Mostly a task id and maybe an agent id, sometimes something else.
    const task = fc.oneof(
      fc.tuple(plainId, fc.option(plainId)).map(([t, a]) => (a === null ? [{ task: t }] : [{ agent: a }, { task: t }])),
      fc.array(taskField, { maxLength: 4 }),
    );
    const callField = fc.oneof(
      fc.record({ framework: fc.option(plainId) }),
      fc.record({ type: fc.constantFrom(T.RECONCILE, T.RECONCILE, T.ACKNOWLEDGE, 0, 300) }),
      fc.record({ reconcile: fc.array(fc.oneof(task, fc.constant("unknown" as const)), { maxLength: 4 }) }),
      fc.record({ unknown: fc.nat() }),
    );
    const nearlyPlain = fc
      .tuple(plainId, fc.array(task, { maxLength: 4 }))
      .chain(([framework, tasks]) =>
        fc.tuple(
          fc.shuffledSubarray([{ framework }, { type: T.RECONCILE }, { reconcile: tasks }], { minLength: 2 }),
          fc.array(callField, { maxLength: 1 }),
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
            w.tag(9, WireType.LengthDelimited).fork();
            for (const t of f.reconcile) {
              if (t === "unknown") {
                w.tag(5, WireType.Varint).uint32(1);
                continue;
              }
              w.tag(1, WireType.LengthDelimited).fork();
              for (const field of t) {
                if ("task" in field) idMessage(w.tag(1, WireType.LengthDelimited), field.task ?? null);
                else if ("agent" in field) idMessage(w.tag(2, WireType.LengthDelimited), field.agent ?? null);
                else w.tag(9, WireType.Varint).uint32(field.unknown);
              }
              w.join();
            }
            w.join();
          }
        }
        const bytes = w.finish();
        if (mutate && bytes.length > 0) bytes[mutate[0] % bytes.length] = mutate[1];
        const plain = readPlainReconcile(bytes);
        if (!plain) return;
        read++;
        const decoded = fromBinary(scheduler.CallSchema, bytes);
        expect(decoded.type).toBe(T.RECONCILE);
        expect(plain).toEqual({
          frameworkId: decoded.frameworkId!.value,
          tasks: decoded.reconcile!.tasks.map((t) => ({ taskId: t.taskId!.value, agentId: t.agentId?.value })),
        });
        // What the guard stage would have refused (a required field missing) is never read.
        for (const t of decoded.reconcile!.tasks) expect(t.taskId?.value).toBeTruthy();
        expect([plain.frameworkId, ...plain.tasks.flatMap((t) => [t.taskId, t.agentId ?? "x"])]).not.toContain("");
      }),
      { numRuns: 20_000 },
    );
    expect(read).toBeGreaterThan(10);
  });
});
