import { expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Offer_OperationSchema, Offer_Operation_Type, Resource_ReservationInfo_Type, Value_Type } from "@mesos/proto";
import { parseResources } from "./parse.ts";
import { applyConversion, operationConversion } from "./operations.ts";

const reserved = (amount: number) => ({
  name: "disk",
  type: Value_Type.SCALAR,
  scalar: { value: amount },
  reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: "db", principal: "ops" }],
});
const volume = (amount: number) => ({
  ...reserved(amount),
  disk: { persistence: { id: "v1", principal: "ops" }, volume: { containerPath: "data", mode: 1 } },
});
const op = (init: object) => create(Offer_OperationSchema, init as never);

test("RESERVE, CREATE, GROW, SHRINK, DESTROY, UNRESERVE round-trip back to where they started", () => {
  const start = parseResources("cpus:4;disk:100");
  let r = applyConversion(start, operationConversion(op({ type: Offer_Operation_Type.RESERVE, reserve: { resources: [reserved(64)] } })));
  expect(r.reserved("db").scalar("disk")).toBe(64);
  expect(r.unreserved().scalar("disk")).toBe(36);
  r = applyConversion(r, operationConversion(op({ type: Offer_Operation_Type.CREATE, create: { volumes: [volume(32)] } })));
  expect(r.persistentVolumes().scalar("disk")).toBe(32);
  r = applyConversion(
    r,
    operationConversion(op({ type: Offer_Operation_Type.GROW_VOLUME, growVolume: { volume: volume(32), addition: reserved(16) } })),
  );
  expect(r.persistentVolumes().scalar("disk")).toBe(48);
  r = applyConversion(
    r,
    operationConversion(op({ type: Offer_Operation_Type.SHRINK_VOLUME, shrinkVolume: { volume: volume(48), subtract: { value: 16 } } })),
  );
  expect(r.persistentVolumes().scalar("disk")).toBe(32);
  r = applyConversion(r, operationConversion(op({ type: Offer_Operation_Type.DESTROY, destroy: { volumes: [volume(32)] } })));
  expect(r.persistentVolumes().size).toBe(0);
  r = applyConversion(r, operationConversion(op({ type: Offer_Operation_Type.UNRESERVE, unreserve: { resources: [reserved(64)] } })));
  expect(r.equals(start)).toBe(true);
});

test("a conversion that needs more than there is fails and changes nothing", () => {
  const start = parseResources("disk:10");
  expect(() =>
    applyConversion(start, operationConversion(op({ type: Offer_Operation_Type.RESERVE, reserve: { resources: [reserved(64)] } }))),
  ).toThrow("does not contain");
  expect(() =>
    operationConversion(op({ type: Offer_Operation_Type.SHRINK_VOLUME, shrinkVolume: { volume: volume(8), subtract: { value: 8 } } })),
  ).toThrow("less than the volume");
});
