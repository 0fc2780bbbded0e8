import { expect, test } from "bun:test";
import { createIdSequence, newUuid, newUuidBytes, uuidFromBytes, uuidToBytes } from "./ids.ts";

test("uuids round-trip between text and the 16 bytes the wire carries", () => {
  const text = newUuid();
  expect(text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(uuidFromBytes(uuidToBytes(text))).toBe(text);
  expect(newUuidBytes()).toHaveLength(16);
  expect(uuidFromBytes(Uint8Array.from({ length: 16 }, (_, i) => i * 17))).toBe("00112233-4455-6677-8899-aabbccddeeff");
  expect(() => uuidToBytes("not-a-uuid")).toThrow("Invalid UUID 'not-a-uuid'");
  expect(() => uuidFromBytes(new Uint8Array(3))).toThrow("expected 16 bytes, got 3");
});

test("id sequences read as Mesos prints them", () => {
  const frameworks = createIdSequence("M-", 0, 4);
  expect([frameworks(), frameworks()]).toEqual(["M-0000", "M-0001"]);
  const agents = createIdSequence("M-S");
  expect([agents(), agents()]).toEqual(["M-S0", "M-S1"]);
});
