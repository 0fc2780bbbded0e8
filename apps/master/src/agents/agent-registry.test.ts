import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { ManualClock } from "@mesos/core";
import { type AgentInfo, AgentInfoSchema } from "@mesos/proto";
import type { Allocator } from "../allocator/allocator.ts";
import { openSqliteRegistry } from "../registry/sqlite-registry.ts";
import { AgentRegistry } from "./agent-registry.ts";

const info = (hostname: string) =>
  create(AgentInfoSchema, { id: { value: "S1" }, hostname, resources: [{ name: "cpus", type: 0, scalar: { value: 2 } }] });

test("re-admitting an agent with the AgentInfo the registry holds writes nothing; a changed one is written", async () => {
  const store = openSqliteRegistry(":memory:");
  const writes: string[] = [];
  const counted = {
    ...store,
    setAgent: (id: string, a: Parameters<typeof store.setAgent>[1]) => (writes.push(`${id}:${a.state}`), store.setAgent(id, a)),
  };
  const recovered = new Map([["S1", { info: info("h1"), state: "admitted" as const, changedAt: 1 }]]);
  const registry = new AgentRegistry({
    store: counted,
    recovered,
    clock: new ManualClock(),
    allocator: {} as Allocator, // admitting never reaches the allocator
    events: { publish: () => {} },
    usedOn: () => new Map(),
    unavailability: () => undefined,
    describe: () => {
      throw new Error("not used");
    },
  });

  await registry.admit("S1", info("h1"));
  expect(writes).toEqual([]);
  await registry.admit("S1", info("h2"));
  expect(writes).toEqual(["S1:admitted"]);
  expect((await store.load()).agents.get("S1")?.info.hostname).toBe("h2");
  // Coming back from unreachable is a registry change even with the same AgentInfo (Mesos's MarkSlaveReachable).
  await registry.mark("S1", info("h2"), "unreachable");
  await registry.admit("S1", info("h2"));
  expect(writes).toEqual(["S1:admitted", "S1:unreachable", "S1:admitted"]);
  store.close();
});

test("an agent re-admitted with the very bytes the registry holds is recognised by them; other bytes are compared as messages", async () => {
  const store = openSqliteRegistry(":memory:");
  await store.setAgent("S1", { info: info("h1"), state: "admitted", changedAt: 1 });
  const recovered = (await store.load()).agents;
  const stored = recovered.get("S1")!;
  expect(stored.encoded).toEqual(toBinary(AgentInfoSchema, info("h1")));
  const writes: string[] = [];
  const registry = new AgentRegistry({
    store: { ...store, setAgent: (id, a) => (writes.push(`${id}:${a.info.hostname}`), store.setAgent(id, a)) },
    // The entry's message is never needed when the bytes match.
    recovered: new Map([
      [
        "S1",
        {
          ...stored,
          get info(): AgentInfo {
            throw new Error("decoded");
          },
        },
      ],
    ]),
    clock: new ManualClock(),
    allocator: {} as Allocator,
    events: { publish: () => {} },
    usedOn: () => new Map(),
    unavailability: () => undefined,
    describe: () => {
      throw new Error("not used");
    },
  });
  await registry.admit("S1", info("h1"), toBinary(AgentInfoSchema, info("h1")));
  expect(writes).toEqual([]);
  // Other bytes: compared as messages (here the entry's message is asked for).
  expect(() => registry.admit("S1", info("h1"), new Uint8Array([1]))).toThrow("decoded");
  store.close();
});
