/**
 * A message shared by many streams is encoded once per encoding, and every stream gets the bytes
 * the plain encoder makes; unshared messages are encoded each time they are sent.
 */
import { afterAll, expect, test } from "bun:test";
import { create, toBinary, toJsonString } from "@bufbuild/protobuf";
import { master } from "@mesos/proto";
import { Hono } from "hono";
import { mountConnect } from "./serve.ts";
import { encodeShared, shareEncodings } from "./shared-encoding.ts";

const event = () =>
  create(master.EventSchema, {
    type: master.Event_Type.TASK_ADDED,
    taskAdded: { task: { name: "t", taskId: { value: "t1" }, frameworkId: { value: "f" }, agentId: { value: "a" }, state: 1 } },
  });

test("encodeShared encodes a shared message once per encoding, an unshared one every time", () => {
  let calls = 0;
  const encode = () => {
    calls++;
    return new Uint8Array([calls]);
  };
  const plain = event();
  encodeShared(plain, "protobuf", encode);
  encodeShared(plain, "protobuf", encode);
  expect(calls).toBe(2);

  const shared = event();
  shareEncodings(shared);
  const first = encodeShared(shared, "protobuf", encode);
  expect(encodeShared(shared, "protobuf", encode)).toBe(first);
  encodeShared(shared, "mesos-json", encode);
  expect(calls).toBe(4);
});

// Two streams sending the same shared event, and one sending an unshared copy: the same bytes.
const sharedEvent = event();
shareEncodings(sharedEvent);
const app = new Hono();
mountConnect(app, (router) => {
  router.service(master.Operator, {
    async *streamEvents() {},
    async *subscribe(call: master.Call) {
      yield call.type === master.Call_Type.SUBSCRIBE ? sharedEvent : event();
    },
  } as never);
});
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
afterAll(() => server.stop(true));

const read = async (type: master.Call_Type, json: boolean) => {
  const body = toBinary(master.CallSchema, create(master.CallSchema, { type }));
  const request = json ? new TextEncoder().encode(toJsonString(master.CallSchema, create(master.CallSchema, { type }))) : body;
  const envelope = new Uint8Array(5 + request.length);
  new DataView(envelope.buffer).setUint32(1, request.length);
  envelope.set(request, 5);
  const res = await fetch(`http://127.0.0.1:${server.port}/${master.Operator.typeName}/Subscribe`, {
    method: "POST",
    headers: { "Content-Type": json ? "application/connect+json" : "application/connect+proto" },
    body: envelope,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const length = new DataView(bytes.buffer).getUint32(1);
  return bytes.slice(5, 5 + length);
};

test("streams sending a shared message send the plain encoder's bytes", async () => {
  const plain = toBinary(master.EventSchema, event());
  const plainJson = new TextEncoder().encode(toJsonString(master.EventSchema, event()));
  for (let i = 0; i < 2; i++) {
    expect(await read(master.Call_Type.SUBSCRIBE, false)).toEqual(plain);
    expect(await read(master.Call_Type.SUBSCRIBE, true)).toEqual(plainJson);
  }
  expect(await read(master.Call_Type.GET_STATE, false)).toEqual(plain);
});
