import { expect, test } from "bun:test";
import { agentResources, defaultDiskMb, defaultMemMb } from "./detect.ts";

const GB = 1024 ** 3;
const host = { cpus: 8, memBytes: 16 * GB, diskBytes: 100 * GB };

test("detects what --resources leaves out, keeping memory and disk for the system as Mesos does", () => {
  const r = agentResources(undefined, host);
  expect(r.scalar("cpus")).toBe(8);
  expect(r.scalar("mem")).toBe(15 * 1024);
  expect(r.scalar("disk")).toBe(95 * 1024);
  expect(r.toString()).toContain("ports:[31000-32000]");
  expect(defaultMemMb(1 * GB)).toBe(512);
  expect(defaultDiskMb(8 * GB)).toBe(4096);
});

test("given resources win; static reservations via (role) and --default_role", () => {
  const r = agentResources("cpus(web):2;mem:100;ports:[1-2]", host);
  expect(r.reserved("web").scalar("cpus")).toBe(2);
  expect(r.scalar("cpus")).toBe(2);
  expect(r.toString()).toContain("ports:[1-2]");
  expect(agentResources("cpus:1", host, "db").reserved("db").scalar("mem")).toBe(15 * 1024);
});

test.each([
  [
    '[{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{"persistence":{"id":"v"},"volume":{"container_path":"d","mode":"RW"}}}]',
    "persistent volume",
  ],
  ['[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}}]', "revocable"],
  ['[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"r"}]}]', "dynamically reserved"],
  ["cpus:abc", "Bad value for resource 'cpus:abc'"],
])("rejects %s", (text, message) => {
  expect(() => agentResources(text, host)).toThrow(message);
});
