/**
 * The server-streaming fast path: every message arrives, in order, however the implementation
 * produces them (bursts written as one chunk, single ones, across turns of the event loop); the
 * implementation's headers and trailers reach the client; an error ends the stream after what was
 * sent; a client that goes away aborts the implementation's signal; JSON streams work as well.
 */
import { afterAll, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { Channel } from "@mesos/core";
import { scheduler } from "@mesos/proto";
import { Hono } from "hono";
import { mountConnect } from "./serve.ts";
import { createTransport } from "./transport.ts";

const BURSTS = 40;
const PER_BURST = 250;
const heartbeat = (n: number) =>
  create(scheduler.EventSchema, {
    type: scheduler.Event_Type.MESSAGE,
    message: { agentId: { value: "a" }, executorId: { value: "e" }, data: new Uint8Array([n & 255, n >> 8]) },
  });
const numberOf = (e: scheduler.Event) => e.message!.data[0]! + (e.message!.data[1]! << 8);
let aborted: Promise<unknown> = Promise.resolve();

const app = new Hono();
mountConnect(app, (router) => {
  router.service(scheduler.Scheduler, {
    call: () => ({}),
    async *subscribe(call, hc) {
      hc.responseHeader.set("Mesos-Stream-Id", "stream-1");
      const mode = call.subscribe?.frameworkInfo?.name;
      if (mode === "bursts") {
        // Pushed synchronously in bursts (as the master pushes a cycle's events), drained between them.
        const channel = new Channel<scheduler.Event>();
        let n = 0;
        const produce = () => {
          for (let i = 0; i < PER_BURST; i++) channel.push(heartbeat(n++));
          if (n < BURSTS * PER_BURST) setTimeout(produce, n % 1000 === 0 ? 5 : 0);
          else channel.close();
        };
        produce();
        yield* channel;
        hc.responseTrailer.set("x-count", String(n));
      } else if (mode === "fails") {
        yield heartbeat(1);
        yield heartbeat(2);
        throw new ConnectError("gone", Code.FailedPrecondition);
      } else if (mode === "forever") {
        aborted = new Promise((resolve) => hc.signal.addEventListener("abort", resolve, { once: true }));
        for (let n = 0; ; n++) {
          yield heartbeat(n);
          await Bun.sleep(5);
        }
      }
    },
  });
});
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
afterAll(() => server.stop(true));

const subscribeCall = (name: string) =>
  create(scheduler.CallSchema, { type: scheduler.Call_Type.SUBSCRIBE, subscribe: { frameworkInfo: { user: "u", name } } });

for (const json of [false, true]) {
  const client = createClient(scheduler.Scheduler, createTransport({ baseUrl: `http://127.0.0.1:${server.port}`, json }));
  const format = json ? "JSON" : "protobuf";

  test(`every message of bursts arrives once and in order, with the headers and trailers (${format})`, async () => {
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const seen: number[] = [];
    for await (const event of client.subscribe(subscribeCall("bursts"), { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) })) {
      seen.push(numberOf(event));
    }
    expect(seen.length).toBe(BURSTS * PER_BURST);
    expect(seen.every((n, i) => n === (i & 0xffff))).toBe(true);
    expect(header?.get("Mesos-Stream-Id")).toBe("stream-1");
    expect(trailer?.get("x-count")).toBe(String(BURSTS * PER_BURST));
  });

  test(`an error ends the stream after the messages sent before it (${format})`, async () => {
    const seen: number[] = [];
    const error = await (async () => {
      try {
        for await (const event of client.subscribe(subscribeCall("fails"))) seen.push(numberOf(event));
      } catch (e) {
        return ConnectError.from(e);
      }
    })();
    expect(seen).toEqual([1, 2]);
    expect(error?.code).toBe(Code.FailedPrecondition);
    expect(error?.rawMessage).toBe("gone");
  });
}

test("a client that goes away aborts the implementation's signal", async () => {
  const client = createClient(scheduler.Scheduler, createTransport({ baseUrl: `http://127.0.0.1:${server.port}` }));
  const abort = new AbortController();
  let seen = 0;
  try {
    for await (const _ of client.subscribe(subscribeCall("forever"), { signal: abort.signal })) if (++seen === 3) abort.abort();
  } catch {}
  expect(seen).toBe(3);
  await aborted;
});
