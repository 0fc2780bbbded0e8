/**
 * ACKNOWLEDGE is read by hand on both transports (apps/master/src/scheduler/acknowledge-shortcut.ts)
 * when its body is plain; any other body goes the general way (protobuf-es, the guard stage, the
 * interceptors). Both must answer alike. Each call here is sent twice: plain (the shortcut) and with
 * its `type` field repeated (the same Call once decoded, which the shortcut declines): status,
 * headers, body and the counters the call moves must match, for good calls and bad ones, over
 * Connect and over the v1 HTTP API. The reader itself is checked against
 * protobuf-es in apps/master/src/scheduler/acknowledge-shortcut.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { scheduler } from "@mesos/proto";
import type { InMemoryMaster } from "../support/in-memory-master.ts";
import { generalForm, postCall, shortcutCluster, TRANSPORTS, type Transport } from "../support/shortcut-parity.ts";

const T = scheduler.Call_Type;
const cluster = shortcutCluster();

const uuid = (n = 16) => Uint8Array.from({ length: n }, (_, i) => i + 1);

function ackCall(fields: { frameworkId?: string; agentId?: string; taskId?: string; uuid?: Uint8Array } = {}): Uint8Array {
  return toBinary(
    scheduler.CallSchema,
    create(scheduler.CallSchema, {
      frameworkId: { value: fields.frameworkId ?? cluster.frameworkId },
      type: T.ACKNOWLEDGE,
      acknowledge: { agentId: { value: fields.agentId ?? "agent-1" }, taskId: { value: fields.taskId ?? "task-1" }, uuid: fields.uuid ?? uuid() },
    }),
  );
}

const COUNTERS = /acknowledg|messages|calls/;

/** One call's answer and what it moved in the counters. */
const answer = (m: InMemoryMaster, transport: Transport, body: Uint8Array, headers: Record<string, string>) =>
  postCall(m, transport, body, headers, COUNTERS);

const CASES: Record<string, { body: () => Uint8Array; headers?: () => Record<string, string>; on?: () => InMemoryMaster }> = {
  "a good acknowledgement (its agent unknown)": { body: () => ackCall() },
  "an unknown framework": { body: () => ackCall({ frameworkId: "no-such-framework" }) },
  "no Mesos-Stream-Id": { body: () => ackCall(), headers: () => ({}) },
  "another stream's id": { body: () => ackCall(), headers: () => ({ "Mesos-Stream-Id": "not-the-stream" }) },
  "a uuid of 15 bytes": { body: () => ackCall({ uuid: uuid(15) }) },
  "an empty task id": { body: () => ackCall({ taskId: "" }) },
  "a master that does not lead": { body: () => ackCall(), on: () => cluster.follower },
};

describe.each(Object.keys(TRANSPORTS) as Transport[])("over %s", (transport) => {
  test.each(Object.keys(CASES))("%s: the same answer and counters either way", async (name) => {
    const c = CASES[name]!;
    const m = c.on?.() ?? cluster.master;
    const headers = c.headers?.() ?? { "Mesos-Stream-Id": cluster.streamId };
    const plain = c.body();
    const shortcut = await answer(m, transport, plain, headers);
    const general = await answer(m, transport, generalForm(plain, T.ACKNOWLEDGE), headers);
    expect(shortcut).toEqual(general);
  });

  test("a good acknowledgement is accepted and counted", async () => {
    const res = await answer(cluster.master, transport, ackCall(), { "Mesos-Stream-Id": cluster.streamId });
    expect(res.status).toBe(transport === "connect" ? 200 : 202);
    expect(res.moved["master/messages_acknowledge"]).toBe(1);
    expect(res.moved["master/invalid_status_update_acknowledgements"]).toBe(1);
  });
});
