/** Resource kinds: one per identity (value and AllocationInfo aside), plain scalars found by name. */
import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Resource_ReservationInfo_Type, ResourceSchema, Value_Type } from "@mesos/proto";
import { NameTable } from "./quantity-vector.ts";
import { KindTable } from "./resource-kinds.ts";

test("plain scalars of one name are one kind whatever their value, role form or allocation; anything more is another", () => {
  const kinds = new KindTable(new NameTable());
  const cpus = (fields: object) => kinds.of(create(ResourceSchema, { name: "cpus", type: Value_Type.SCALAR, scalar: { value: 1 }, ...fields }));
  const plain = cpus({});
  expect([cpus({ scalar: { value: 2 } }), cpus({ role: "" }), cpus({ role: "*" }), cpus({ allocationInfo: { role: "r" } })]).toEqual([
    plain,
    plain,
    plain,
    plain,
  ]);
  expect(plain.key).toBe(`cpus|${Value_Type.SCALAR}`);
  const others = [
    cpus({ role: "r" }),
    cpus({ reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: "r" }] }),
    cpus({ revocable: {} }),
    cpus({ shared: {} }),
    cpus({ providerId: { value: "p" } }),
    cpus({ disk: {} }),
    kinds.of(create(ResourceSchema, { name: "mem", type: Value_Type.SCALAR, scalar: { value: 1 } })),
  ];
  expect(new Set([plain, ...others]).size).toBe(others.length + 1);
  // Each is the kind its key names: a pre-refinement role is its static reservation.
  expect(cpus({ reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role: "r" }] })).toBe(others[0]!);
  expect(cpus({ revocable: {} })).toBe(others[2]!);
});
