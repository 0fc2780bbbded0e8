/**
 * RECONCILE is read by hand on both transports (apps/master/src/scheduler/reconcile-shortcut.ts)
 * when its body is plain; any other body goes the general way (protobuf-es, the guard stage, the
 * interceptors). Both must answer alike. Each call here is sent twice: plain (the shortcut) and with
 * its `type` field repeated (the same Call once decoded, which the shortcut declines): status,
 * headers, body, the counters the call moves and the answers on the framework's stream must match,
 * for good calls and bad ones, over Connect and over the v1 HTTP API. The reader itself is checked
 * against protobuf-es in apps/master/src/scheduler/reconcile-shortcut.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { create, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { scheduler } from "@mesos/proto";
import type { InMemoryMaster } from "../support/in-memory-master.ts";
import { generalForm, postCall, shortcutCluster, TRANSPORTS, type Transport } from "../support/shortcut-parity.ts";

const T = scheduler.Call_Type;
const cluster = shortcutCluster();

const TASKS = [{ taskId: "task-1", agentId: "agent-1" }, { taskId: "task-2" }];

function reconcileCall(fields: { frameworkId?: string; tasks?: { taskId: string; agentId?: string }[] } = {}): Uint8Array {
  return toBinary(
    scheduler.CallSchema,
    create(scheduler.CallSchema, {
      frameworkId: { value: fields.frameworkId ?? cluster.frameworkId },
      type: T.RECONCILE,
      reconcile: {
        tasks: (fields.tasks ?? TASKS).map((t) => ({ taskId: { value: t.taskId }, agentId: t.agentId ? { value: t.agentId } : undefined })),
      },
    }),
  );
}

const COUNTERS = /reconcil|messages|calls/;

/** The next `n` UPDATE events on the framework's stream, their statuses without the time they were made. */
async function updates(n: number): Promise<JsonObject[]> {
  const statuses: JsonObject[] = [];
  for (let i = 0; i < n; i++) {
    const { timestamp: _, ...status } = ((await cluster.stream.next("UPDATE")).update as JsonObject).status as JsonObject;
    statuses.push(status);
  }
  return statuses;
}

/** One call's answer, what it moved in the counters and the reconciliation answers it brought. */
async function answer(m: InMemoryMaster, transport: Transport, body: Uint8Array, headers: Record<string, string>, answers: number) {
  return { ...(await postCall(m, transport, body, headers, COUNTERS)), updates: await updates(answers) };
}

const CASES: Record<string, { body: () => Uint8Array; answers?: number; headers?: () => Record<string, string>; on?: () => InMemoryMaster }> = {
  "tasks the master does not know, with an agent and without": { body: () => reconcileCall(), answers: 2 },
  "every task (implicit: none named)": { body: () => reconcileCall({ tasks: [] }) },
  "an unknown framework": { body: () => reconcileCall({ frameworkId: "no-such-framework" }) },
  "no Mesos-Stream-Id": { body: () => reconcileCall(), headers: () => ({}) },
  "another stream's id": { body: () => reconcileCall(), headers: () => ({ "Mesos-Stream-Id": "not-the-stream" }) },
  "an empty task id": { body: () => reconcileCall({ tasks: [{ taskId: "" }] }), answers: 1 },
  "a master that does not lead": { body: () => reconcileCall(), on: () => cluster.follower },
};

describe.each(Object.keys(TRANSPORTS) as Transport[])("over %s", (transport) => {
  test.each(Object.keys(CASES))("%s: the same answer, counters and reconciliation answers either way", async (name) => {
    const c = CASES[name]!;
    const m = c.on?.() ?? cluster.master;
    const headers = c.headers?.() ?? { "Mesos-Stream-Id": cluster.streamId };
    const plain = c.body();
    const shortcut = await answer(m, transport, plain, headers, c.answers ?? 0);
    const general = await answer(m, transport, generalForm(plain, T.RECONCILE), headers, c.answers ?? 0);
    expect(shortcut).toEqual(general);
  });

  test("a plain call is answered, counted, and its tasks answered as Mesos 1.8 does for tasks it does not know", async () => {
    const res = await answer(cluster.master, transport, reconcileCall(), { "Mesos-Stream-Id": cluster.streamId }, 2);
    expect(res.status).toBe(transport === "connect" ? 200 : 202);
    expect(res.moved["master/messages_reconcile"]).toBe(1);
    expect(res.updates.map((u) => [u.task_id, u.state, u.message])).toEqual([
      [{ value: "task-1" }, "TASK_LOST", "Reconciliation: Task is unknown"],
      [{ value: "task-2" }, "TASK_LOST", "Reconciliation: Task is unknown"],
    ]);
  });
});
