/**
 * The guard stage holds on both transports: a master that does not lead refuses the Scheduler
 * and Operator Connect services as its v1 HTTP API does (307/503 there, UNAVAILABLE
 * naming the leader here); a call is validated and counted once, whichever transport carried it.
 * Masters built in memory, reached through Connect's router transport and `app.request()`.
 */
import { describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { subscribe } from "@mesos/client";
import { master, MasterInfoSchema, scheduler } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { createInMemoryMaster, type InMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const other = create(MasterInfoSchema, { id: "other", ip: 0, port: 5050, hostname: "leader.example" });

async function errorOf(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}

/** Reads a server stream to its end (or its error). */
async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

/** Every Connect method of the two services, called on `m` (the agent link: agent-link.test.ts). */
function everyMethod(m: InMemoryMaster): [string, () => Promise<unknown>][] {
  const sched = createClient(scheduler.Scheduler, m.transport);
  const op = createClient(master.Operator, m.transport);
  const subscribeCall = { type: scheduler.Call_Type.SUBSCRIBE, subscribe: { frameworkInfo: { user: "u", name: "n" } } };
  return [
    ["Scheduler.Subscribe", () => drain(sched.subscribe(subscribeCall))],
    ["Scheduler.Call", () => sched.call({ type: scheduler.Call_Type.REVIVE, frameworkId: { value: "f" } })],
    ["Operator.Call", () => op.call({ type: master.Call_Type.GET_HEALTH })],
    ["Operator.Subscribe", () => drain(op.subscribe({ type: master.Call_Type.SUBSCRIBE }))],
  ];
}

describe("a master that does not lead", () => {
  test("refuses every Connect method with UNAVAILABLE, naming the leader", async () => {
    const follower = await createInMemoryMaster(cleanup, { leader: () => other });
    for (const [name, call] of everyMethod(follower)) {
      const e = await errorOf(call());
      expect([name, e.code, e.rawMessage]).toEqual([name, Code.Unavailable, "Not the leading master; the leader is at //leader.example:5050"]);
      expect(e.metadata.get("Location")).toBe("//leader.example:5050");
    }
    await expect(subscribe(follower.transport, { user: "u", name: "n" })).rejects.toMatchObject({ kind: "unavailable" });
    expect([...follower.ctx.frameworks.values()]).toHaveLength(0);
    expect(follower.ctx.agents.size).toBe(0);
  });

  test("without a known leader: UNAVAILABLE 'No leader elected' over Connect, 503 over HTTP", async () => {
    const orphan = await createInMemoryMaster(cleanup, { leader: () => undefined });
    for (const [name, call] of everyMethod(orphan)) {
      const e = await errorOf(call());
      expect([name, e.code, e.rawMessage]).toEqual([name, Code.Unavailable, "No leader elected"]);
    }
    const res = await orphan.request("/api/v1", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"type":"GET_HEALTH"}' });
    expect([res.status, await res.text()]).toEqual([503, "No leader elected"]);
  });

  test("the same master serves once it leads", async () => {
    let leader: typeof other | undefined = other;
    const m = await createInMemoryMaster(cleanup, { leader: (self) => leader ?? self });
    const op = createClient(master.Operator, m.transport);
    expect((await errorOf(op.call({ type: master.Call_Type.GET_HEALTH }))).code).toBe(Code.Unavailable);
    leader = undefined;
    expect((await op.call({ type: master.Call_Type.GET_HEALTH })).getHealth?.healthy).toBe(true);
  });
});

describe("one policy for both transports", () => {
  const json = { "Content-Type": "application/json", Accept: "application/json" };

  test("'type' is checked in one place: the same message over Connect and HTTP", async () => {
    const m = await createInMemoryMaster(cleanup);
    const op = createClient(master.Operator, m.transport);
    const sched = createClient(scheduler.Scheduler, m.transport);
    for (const e of [await errorOf(op.call({})), await errorOf(sched.call({ frameworkId: { value: "f" } }))]) {
      expect([e.code, e.rawMessage]).toEqual([Code.InvalidArgument, "Expecting 'type' to be present"]);
    }
    const http = await m.request("/api/v1", { method: "POST", headers: json, body: "{}" });
    expect([http.status, await http.text()]).toEqual([400, "Failed to validate master::Call: Expecting 'type' to be present"]);
    for (const e of [
      await errorOf(op.call({ type: master.Call_Type.UNKNOWN })),
      await errorOf(sched.call({ type: scheduler.Call_Type.UNKNOWN, frameworkId: { value: "f" } })),
    ]) {
      expect([e.code, e.rawMessage]).toEqual([Code.Unimplemented, "Received an unsupported call type UNKNOWN"]);
    }
  });

  test("a scheduler call is validated and counted once, over Connect and over HTTP", async () => {
    const m = await createInMemoryMaster(cleanup);
    const fw = await subscribe(m.transport, { user: "u", name: "counted" });
    cleanup(() => fw.close());
    const declines = () => m.ctx.metrics.get("master/messages_decline");
    await fw.decline(["no-such-offer"]);
    expect(declines()).toBe(1);
    const res = await m.request("/api/v1/scheduler", {
      method: "POST",
      headers: { ...json, "Mesos-Stream-Id": fw.streamId },
      body: JSON.stringify({ type: "DECLINE", framework_id: { value: fw.frameworkId }, decline: { offer_ids: [{ value: "no-such-offer" }] } }),
    });
    expect(res.status).toBe(202);
    expect(declines()).toBe(2);
    // An invalid call is refused before it is counted, on either transport.
    const sched = createClient(scheduler.Scheduler, m.transport);
    const e = await errorOf(sched.call({ type: scheduler.Call_Type.DECLINE, frameworkId: { value: fw.frameworkId } }));
    expect([e.code, e.rawMessage]).toEqual([Code.InvalidArgument, "Expecting 'decline' to be present"]);
    const bad = await m.request("/api/v1/scheduler", {
      method: "POST",
      headers: { ...json, "Mesos-Stream-Id": fw.streamId },
      body: JSON.stringify({ type: "DECLINE", framework_id: { value: fw.frameworkId } }),
    });
    expect([bad.status, await bad.text()]).toEqual([400, "Failed to validate scheduler::Call: Expecting 'decline' to be present"]);
    expect(declines()).toBe(2);
  });
});
