/**
 * The direct client path (connect-client.ts) answers as connect-web's transport does, against the
 * same server: unary results, headers and trailers; unary errors with their code, message and
 * metadata; stream messages (one per chunk and many per chunk) and trailers; an error ending a
 * stream after the messages before it; an aborted call is Canceled; a call with a deadline still works.
 * The same with its unary calls on kept-alive connections (keep-alive-post.ts).
 */
import { afterAll, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { scheduler } from "@mesos/proto";
import { Hono } from "hono";
import { createBinaryConnectTransport, EncodedRequest } from "./connect-client.ts";
import { createKeepAlivePost } from "./keep-alive-post.ts";
import { mountConnect } from "./serve.ts";

const event = (n: number) =>
  create(scheduler.EventSchema, {
    type: scheduler.Event_Type.MESSAGE,
    message: { agentId: { value: "a" }, executorId: { value: "e" }, data: new Uint8Array([n]) },
  });

const app = new Hono();
mountConnect(app, (router) => {
  router.service(scheduler.Scheduler, {
    call: async (call, hc) => {
      hc.responseHeader.set("x-seen", call.frameworkId?.value ?? "");
      hc.responseTrailer.set("x-trailer", "t");
      if (call.type === scheduler.Call_Type.TEARDOWN) throw new ConnectError("no such framework", Code.NotFound, { "x-why": "gone" });
      if (call.type === scheduler.Call_Type.SUPPRESS) await Bun.sleep(1000);
      return {};
    },
    async *subscribe(call, hc) {
      hc.responseHeader.set("Mesos-Stream-Id", "s");
      const name = call.subscribe?.frameworkInfo?.name;
      for (let n = 0; n < 300; n++) {
        yield event(n);
        if (name === "spread" && n % 50 === 0) await Bun.sleep(1);
      }
      if (name === "fails") throw new ConnectError("gone", Code.FailedPrecondition);
      hc.responseTrailer.set("x-count", "300");
    },
  });
});
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
afterAll(() => server.stop(true));

const baseUrl = `http://127.0.0.1:${server.port}`;
const connectWeb = createConnectTransport({ baseUrl, useBinaryFormat: true });
const transports: [string, Transport][] = [
  ["connect-web", connectWeb],
  ["direct", createBinaryConnectTransport(baseUrl, connectWeb)],
  ["direct, unary calls on kept-alive connections", createBinaryConnectTransport(baseUrl, connectWeb, undefined, createKeepAlivePost())],
];
const subscribeCall = (name: string) => ({ type: scheduler.Call_Type.SUBSCRIBE, subscribe: { frameworkInfo: { user: "u", name } } });

async function outcome(t: Transport) {
  const client = createClient(scheduler.Scheduler, t);
  const results: unknown[] = [];
  const errorOf = (e: unknown) => {
    const error = ConnectError.from(e);
    return { code: error.code, message: error.rawMessage, why: error.metadata.get("x-why") ?? undefined };
  };
  let header: Headers | undefined;
  let trailer: Headers | undefined;
  const reply = await client.call({ frameworkId: { value: "f1" } }, { onHeader: (h) => (header = h), onTrailer: (h) => (trailer = h) });
  results.push(reply.$typeName, header?.get("x-seen"), header?.has("trailer-x-trailer"), trailer?.get("x-trailer"));
  results.push(await client.call({ type: scheduler.Call_Type.TEARDOWN }).catch(errorOf));
  results.push(
    await client.call({ frameworkId: { value: "f2" } }, { timeoutMs: 5000, onHeader: (h) => (header = h) }).then(() => header?.get("x-seen")),
  );
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 50);
  results.push(await client.call({ type: scheduler.Call_Type.SUPPRESS }, { signal: abort.signal }).catch((e) => ConnectError.from(e).code));
  for (const name of ["burst", "spread", "fails"]) {
    const seen: number[] = [];
    let streamHeader: Headers | undefined;
    let streamTrailer: Headers | undefined;
    const ended = await (async () => {
      for await (const e of client.subscribe(subscribeCall(name), { onHeader: (h) => (streamHeader = h), onTrailer: (h) => (streamTrailer = h) })) {
        seen.push(e.message!.data[0]!);
      }
    })().catch(errorOf);
    results.push(
      name,
      seen.length,
      seen.every((n, i) => n === (i & 255)),
      streamHeader?.get("Mesos-Stream-Id"),
      streamTrailer?.get("x-count"),
      ended,
    );
  }
  return results;
}

test("the direct path answers as connect-web's transport does (with Bun's fetch and with kept-alive connections)", async () => {
  const [web, direct, keptAlive] = [await outcome(transports[0]![1]), await outcome(transports[1]![1]), await outcome(transports[2]![1])];
  expect(direct).toEqual(web);
  expect(keptAlive).toEqual(web);
  // And the scenarios did what they say.
  expect(direct.slice(0, 7)).toEqual([
    "mesos.v1.scheduler.CallAccepted",
    "f1",
    false,
    "t",
    { code: Code.NotFound, message: "no such framework", why: "gone" },
    "f2",
    Code.Canceled,
  ]);
  expect(direct.slice(7)).toEqual([
    ...["burst", 300, true, "s", "300", undefined],
    ...["spread", 300, true, "s", "300", undefined],
    ...["fails", 300, true, "s", undefined, { code: Code.FailedPrecondition, message: "gone", why: undefined }],
  ]);
});

test("a request already encoded goes as its bytes, and decoded to the fallback (a call with a deadline)", async () => {
  const bytes = toBinary(scheduler.CallSchema, create(scheduler.CallSchema, { frameworkId: { value: "pre-encoded" } }));
  for (const [name, transport] of transports.slice(1)) {
    const client = createClient(scheduler.Scheduler, transport);
    const seen: (string | null)[] = [];
    for (const timeoutMs of [undefined, 5000]) {
      await client.call(new EncodedRequest(bytes) as never, { timeoutMs, onHeader: (h) => seen.push(h.get("x-seen")) });
    }
    expect([name, ...seen]).toEqual([name, "pre-encoded", "pre-encoded"]);
  }
});
