/** Acknowledged updates: group-committed to the registry, recovered from it, forgotten when no agent can resend them. */
import { describe, expect, test } from "bun:test";
import { createLogger } from "@mesos/core";
import { openSqliteRegistry } from "../registry/sqlite-registry.ts";
import type { AcknowledgementBatch, RegistryStore } from "../registry/registry-store.ts";
import { AcknowledgedUpdates } from "./acknowledged-updates.ts";

const log = createLogger({ name: "test", level: "error" });
const uuid = (n: number) => new Uint8Array(16).fill(n);

/** A registry whose writes are counted, with the commits run when the test says (one "turn"). */
function setup(store: RegistryStore = openSqliteRegistry(":memory:")) {
  const batches: AcknowledgementBatch[] = [];
  const deferred: (() => void)[] = [];
  const counting = {
    writeAcknowledgements: (batch: AcknowledgementBatch) => {
      batches.push(batch);
      return store.writeAcknowledgements(batch);
    },
  };
  const acks = new AcknowledgedUpdates({ store: counting, log, defer: (commit) => deferred.push(commit) });
  const endTurn = () => {
    for (const commit of deferred.splice(0)) commit();
  };
  return { store, acks, batches, endTurn };
}

describe("AcknowledgedUpdates", () => {
  test("the changes of one turn go to the registry in one batch, the last of a task winning; committed() waits for it", async () => {
    const { store, acks, batches, endTurn } = setup();
    acks.record("f", "t1", "a", uuid(1));
    acks.record("f", "t2", "a", uuid(2));
    acks.record("f", "t1", "a", uuid(3));
    let committed = false;
    const done = acks.committed().then(() => (committed = true));
    await Bun.sleep(0);
    expect(committed).toBe(false);
    endTurn();
    await done;
    expect(batches.length).toBe(1);
    expect(batches[0]!.written.map((w) => `${w.taskId}:${w.uuid[0]}`)).toEqual(["t1:3", "t2:2"]);
    const stored = (await store.load()).acknowledged.map((a) => `${a.frameworkId}/${a.taskId}@${a.agentId}:${a.uuid[0]}`).sort();
    expect(stored).toEqual(["f/t1@a:3", "f/t2@a:2"]);
    expect(acks.has("f", "t1", uuid(3))).toBe(true);
    expect(acks.has("f", "t1", uuid(1))).toBe(false);
  });

  test("recovered rows answer after a restart; forgetting removes them from the registry", async () => {
    const first = setup();
    first.acks.record("f", "t1", "a", uuid(1));
    first.acks.record("g", "t2", "b", uuid(2));
    first.endTurn();
    await first.acks.committed();

    const stored = await first.store.load();
    const restarted = new AcknowledgedUpdates({ store: first.store, log, recovered: stored.acknowledged });
    expect(restarted.has("f", "t1", uuid(1))).toBe(true);
    expect(restarted.has("g", "t2", uuid(2))).toBe(true);
    restarted.forgetFramework("g");
    await restarted.committed();
    expect((await first.store.load()).acknowledged.map((a) => a.taskId)).toEqual(["t1"]);
    expect(restarted.size).toBe(1);
  });

  test("an agent re-registering forgets its tasks it did not report, and no other agent's", async () => {
    const { store, acks, endTurn } = setup();
    acks.record("f", "reported", "a", uuid(1));
    acks.record("f", "gone", "a", uuid(2));
    acks.record("f", "elsewhere", "b", uuid(3));
    endTurn();
    acks.forgetUnreportedOn("a", (_, taskId) => taskId === "reported");
    endTurn();
    await acks.committed();
    expect((await store.load()).acknowledged.map((a) => a.taskId).sort()).toEqual(["elsewhere", "reported"]);
    expect(acks.has("f", "gone", uuid(2))).toBe(false);
  });

  test("a task's next update changes its row in place; on another agent, that agent holds it", () => {
    const { acks } = setup();
    acks.record("f", "t", "a", uuid(1));
    acks.record("f", "t", "a", uuid(2));
    acks.record("f", "t", "b", uuid(3));
    expect([acks.has("f", "t", uuid(2)), acks.has("f", "t", uuid(3)), acks.size]).toEqual([false, true, 1]);
    acks.forgetAgent("a");
    expect(acks.has("f", "t", uuid(3))).toBe(true);
    acks.forgetAgent("b");
    expect([acks.has("f", "t", uuid(3)), acks.size]).toEqual([false, 0]);
  });

  test("a failed commit fails the callers waiting for it", async () => {
    const failing = { writeAcknowledgements: () => Promise.reject(new Error("disk full")) };
    const deferred: (() => void)[] = [];
    const acks = new AcknowledgedUpdates({ store: failing, log: createLogger({ name: "test", sink: () => {} }), defer: (c) => deferred.push(c) });
    acks.record("f", "t", "a", uuid(1));
    const committed = acks.committed();
    deferred.shift()!();
    await expect(committed).rejects.toThrow("disk full");
  });

  test("without a store (an in-memory registry) they are kept in memory only and committed at once", async () => {
    const deferred: (() => void)[] = [];
    const acks = new AcknowledgedUpdates({ store: undefined, log, defer: (commit) => deferred.push(commit) });
    acks.record("f", "t1", "a", uuid(1));
    acks.record("f", "t2", "b", uuid(2));
    expect(deferred).toEqual([]); // no commit scheduled: nothing to write
    let committed = false;
    await acks.committed().then(() => (committed = true));
    expect(committed).toBe(true);
    expect(acks.has("f", "t1", uuid(1))).toBe(true);
    acks.forgetAgent("b");
    expect(acks.has("f", "t2", uuid(2))).toBe(false);
    expect(acks.size).toBe(1);
    expect(deferred).toEqual([]);
  });
});
