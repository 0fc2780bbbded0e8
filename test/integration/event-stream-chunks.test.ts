/**
 * Event streams write one RecordIO record per HTTP chunk, as libprocess does: clients written for
 * Mesos (mesos-framework's scheduler and executor) parse each chunk as one record. Read off the
 * socket: SUBSCRIBED, HEARTBEAT, then the five updates one RECONCILE call makes at once, each in a
 * chunk of its own.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect } from "node:net";
import type { RunningMaster } from "@mesos/master";
import { eventually, startTestMaster } from "../support/cluster.ts";

let master: RunningMaster;
beforeAll(async () => {
  master = await startTestMaster();
});
afterAll(() => master.stop());

/** A chunked HTTP response read raw off the socket: its head and its chunks so far. */
function rawResponse(port: number, request: string) {
  const socket = connect(port, "127.0.0.1", () => socket.write(request));
  let data = "";
  socket.on("data", (d) => (data += d.toString("latin1")));
  return {
    head: () => data.slice(0, Math.max(0, data.indexOf("\r\n\r\n"))),
    chunks(): string[] {
      const chunks: string[] = [];
      const bodyAt = data.indexOf("\r\n\r\n");
      if (bodyAt < 0) return chunks;
      for (let at = bodyAt + 4; ; ) {
        const eol = data.indexOf("\r\n", at);
        if (eol < 0) return chunks;
        const size = Number.parseInt(data.slice(at, eol), 16);
        if (data.length < eol + 2 + size + 2) return chunks;
        chunks.push(data.slice(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
    },
    close: () => socket.destroy(),
  };
}

test("the scheduler stream: one record per chunk, also for events made together", async () => {
  const call = JSON.stringify({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "chunks" } } });
  const request = `POST /api/v1/scheduler HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: ${call.length}\r\n\r\n${call}`;
  const res = rawResponse(master.port, request);
  try {
    const first = await eventually(() => res.chunks()[0], 10_000, "SUBSCRIBED");
    const frameworkId = JSON.parse(first.slice(first.indexOf("\n") + 1)).subscribed.framework_id;
    const streamId = /Mesos-Stream-Id: (\S+)/i.exec(res.head())![1]!;
    const tasks = ["a", "b", "c", "d", "e"].map((id) => ({ task_id: { value: id } }));
    const reconcile = await fetch(`${master.url}/api/v1/scheduler`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Mesos-Stream-Id": streamId },
      body: JSON.stringify({ type: "RECONCILE", framework_id: frameworkId, reconcile: { tasks } }),
    });
    expect(reconcile.status).toBe(202);
    const chunks = await eventually(() => (res.chunks().length >= 7 ? res.chunks() : undefined), 10_000, "seven chunks");
    for (const chunk of chunks) {
      const nl = chunk.indexOf("\n");
      // The record's length names the rest of the chunk exactly: one whole record.
      expect(Number(chunk.slice(0, nl))).toBe(chunk.length - nl - 1);
    }
    expect(chunks.map((c) => JSON.parse(c.slice(c.indexOf("\n") + 1)).type)).toEqual(["SUBSCRIBED", "HEARTBEAT", ...tasks.map(() => "UPDATE")]);
  } finally {
    res.close();
  }
}, 30_000);
