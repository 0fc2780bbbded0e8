/**
 * Connect request bodies are checked before Connect parses them: garbled protobuf is
 * invalid_argument (not Connect's `internal`), in every framing; oversized messages are
 * resource_exhausted; deep JSON is refused; good messages, split anywhere, pass unchanged.
 */
import { expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { agent, scheduler } from "@mesos/proto";
import { Hono } from "hono";
import { mountConnect } from "./serve.ts";
import { MAX_REQUEST_BODY_BYTES } from "./request-limits.ts";

const received: scheduler.Call[] = [];
let streamed = 0;
const app = new Hono();
mountConnect(app, (router) => {
  router.service(scheduler.Scheduler, {
    call: (call) => {
      received.push(call);
      return {};
    },
    async *subscribe() {
      yield create(scheduler.EventSchema, { type: scheduler.Event_Type.HEARTBEAT });
    },
  });
  router.service(agent.Agent, {
    call: () => create(agent.ResponseSchema, {}),
    async *callOutputStream() {},
    async callInputStream(calls) {
      for await (const _ of calls) streamed++;
      return create(agent.ResponseSchema, {});
    },
  });
});

const GARBLED = new Uint8Array([0x0a, 0xff, 0xff, 0x01]);
const call = toBinary(scheduler.CallSchema, create(scheduler.CallSchema, { type: scheduler.Call_Type.REVIVE, frameworkId: { value: "f" } }));

function envelope(bytes: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(5 + bytes.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, bytes.length);
  out.set(bytes, 5);
  return out;
}

const send = (path: string, contentType: string, body: string | Uint8Array | ReadableStream<Uint8Array>) =>
  app.request(path, { method: "POST", headers: { "Content-Type": contentType }, body });

test("a garbled protobuf unary call is invalid_argument (400) with the parse error, not internal", async () => {
  const res = await send("/mesos.v1.scheduler.Scheduler/Call", "application/proto", GARBLED);
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ code: "invalid_argument", message: "Failed to parse body into Call protobuf: premature EOF" });
});

test("a garbled enveloped call is invalid_argument in Connect streaming and gRPC-web", async () => {
  const stream = await send("/mesos.v1.scheduler.Scheduler/Subscribe", "application/connect+proto", envelope(GARBLED));
  expect(await stream.text()).toContain('"code":"invalid_argument"');
  const grpcWeb = await send("/mesos.v1.scheduler.Scheduler/Call", "application/grpc-web+proto", envelope(GARBLED));
  expect(await grpcWeb.text()).toContain("grpc-status: 3");
});

test("a compressed envelope is invalid_argument (no compression is offered)", async () => {
  const res = await send("/mesos.v1.scheduler.Scheduler/Subscribe", "application/connect+proto", envelope(call, 1));
  expect(await res.text()).toContain('"code":"invalid_argument","message":"Compressed messages are not accepted"');
});

test("a message over the size limit is resource_exhausted", async () => {
  const res = await send("/mesos.v1.scheduler.Scheduler/Call", "application/proto", new Uint8Array(MAX_REQUEST_BODY_BYTES + 1));
  expect(res.status).toBe(429);
  expect(((await res.json()) as { code: string }).code).toBe("resource_exhausted");
  const header = new Uint8Array(5);
  new DataView(header.buffer).setUint32(1, MAX_REQUEST_BODY_BYTES + 1);
  const streamed = await send("/mesos.v1.scheduler.Scheduler/Subscribe", "application/connect+proto", header);
  expect(await streamed.text()).toContain('"code":"resource_exhausted"');
});

test("JSON nested deeper than 200 levels is invalid_argument", async () => {
  const res = await send("/mesos.v1.scheduler.Scheduler/Call", "application/json", `{"type":"REVIVE","x":${"[".repeat(500)}${"]".repeat(500)}}`);
  expect(res.status).toBe(400);
  expect(((await res.json()) as { message: string }).message).toBe("Failed to parse body into JSON: JSON is nested deeper than 200 levels");
});

test("good calls pass unchanged, however the body is split", async () => {
  received.length = 0;
  expect((await send("/mesos.v1.scheduler.Scheduler/Call", "application/proto", call)).status).toBe(200);
  expect((await send("/mesos.v1.scheduler.Scheduler/Call", "application/json", '{"type":"REVIVE","frameworkId":{"value":"f"}}')).status).toBe(200);
  expect(received.map((c) => c.frameworkId?.value)).toEqual(["f", "f"]);

  // Three envelopes of a client stream, cut into 3-byte chunks that straddle every boundary.
  const inputs = [0, 1, 2].map(() =>
    envelope(toBinary(agent.CallSchema, create(agent.CallSchema, { type: agent.Call_Type.ATTACH_CONTAINER_INPUT }))),
  );
  const whole = new Uint8Array(inputs.reduce((n, e) => n + e.length, 0));
  inputs.reduce((at, e) => (whole.set(e, at), at + e.length), 0);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < whole.length; i += 3) c.enqueue(whole.slice(i, i + 3));
      c.close();
    },
  });
  const res = await send("/mesos.v1.agent.Agent/CallInputStream", "application/connect+proto", body);
  expect(res.status).toBe(200);
  expect(streamed).toBe(3);
});

test("a call with a required field unset is invalid_argument, as Mesos refuses it, in JSON and protobuf", async () => {
  const json = await send(
    "/mesos.v1.scheduler.Scheduler/Call",
    "application/json",
    '{"type":"ACKNOWLEDGE","frameworkId":{"value":"f"},"acknowledge":{"agentId":{"value":"a"},"taskId":{"value":"t"}}}',
  );
  expect(json.status).toBe(400);
  expect(await json.json()).toEqual({ code: "invalid_argument", message: "Missing required fields: acknowledge.uuid" });
  // Found by the decoders' fuzzer: RECONCILE_OPERATIONS whose OperationIDs lack their value (the
  // master answered 500 when it tried to encode them).
  const bytes = Uint8Array.from([16, 16, 146, 1, 8, 10, 2, 10, 0, 10, 2, 18, 0]);
  const proto = await send("/mesos.v1.scheduler.Scheduler/Call", "application/proto", bytes);
  expect(proto.status).toBe(400);
  expect(((await proto.json()) as { message: string }).message).toStartWith(
    "Missing required fields: reconcile_operations.operations[0].operation_id.value",
  );
});
