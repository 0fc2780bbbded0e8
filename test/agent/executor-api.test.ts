/**
 * The agent's v1 executor API (`/api/v1/executor`) refuses as Mesos 1.8's agent does
 * (slave/http.cpp's Http::executor, common/validation.cpp's validateExecutorCall): 405, 415, 406,
 * "Failed to validate Executor::Call: ..." 400s, HEARTBEAT 202 before anything is looked up, and an
 * unknown framework or executor 400, with JSON and protobuf bodies alike.
 */
import { expect, test } from "bun:test";
import { create, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { executor } from "@mesos/proto";
import { useCleanups } from "../support/cleanups.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();
const ids = { framework_id: { value: "f1" }, executor_id: { value: "e1" } };
const uuid = Buffer.alloc(16, 1).toString("base64");

async function agentApp() {
  const master = await createInMemoryMaster(cleanup, { loops: false });
  const linked = await attachInMemoryAgent(master, cleanup, {});
  await linked.registered;
  return async (body: RequestInit["body"], headers: Record<string, string> = {}, method = "POST") => {
    const r = await linked.agent.app.request("http://agent/api/v1/executor", { method, headers, body });
    return [r.status, await r.text()];
  };
}

test("refusals with Mesos's statuses and texts, JSON and protobuf", async () => {
  const send = await agentApp();
  const json = (call: JsonObject, headers: Record<string, string> = {}) =>
    send(JSON.stringify(call), { "Content-Type": "application/json", Accept: "application/json", ...headers });
  expect((await send(undefined, {}, "GET"))[0]).toBe(405);
  expect(await send("{}", { "Content-Type": "text/plain" })).toEqual([415, "Expecting 'Content-Type' of application/json or application/x-protobuf"]);
  expect(await json({ type: "SUBSCRIBE", framework_id: { value: "f1" }, subscribe: {} })).toEqual([
    400,
    "Failed to convert JSON into Call protobuf: Missing required fields: executor_id",
  ]);
  expect(await json({ type: "SUBSCRIBE", ...ids })).toEqual([400, "Failed to validate Executor::Call: Expecting 'subscribe' to be present"]);
  const update = (status: JsonObject) => json({ type: "UPDATE", ...ids, update: { status: { task_id: { value: "t" }, uuid, ...status } } });
  expect(await update({ state: "TASK_RUNNING", source: "SOURCE_AGENT" })).toEqual([
    400,
    "Failed to validate Executor::Call: Received Call from executor e1 of framework f1 with invalid source, expecting 'SOURCE_EXECUTOR'",
  ]);
  expect(await update({ state: "TASK_STAGING", source: "SOURCE_EXECUTOR" })).toEqual([
    400,
    "Failed to validate Executor::Call: Received TASK_STAGING from executor e1 of framework f1 which is not allowed",
  ]);
  expect(await update({ state: "TASK_RUNNING", source: "SOURCE_EXECUTOR", executor_id: { value: "other" } })).toEqual([
    400,
    "Failed to validate Executor::Call: ExecutorID in Call: e1 does not match ExecutorID in TaskStatus: other",
  ]);
  expect(await json({ type: "SUBSCRIBE", ...ids, subscribe: {} }, { Accept: "text/html" })).toEqual([
    406,
    "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
  ]);
  // HEARTBEAT is answered before the framework is looked up.
  expect(await json({ type: "HEARTBEAT", ...ids })).toEqual([202, ""]);
  expect(await json({ type: "SUBSCRIBE", ...ids, subscribe: {} })).toEqual([400, "Framework cannot be found"]);
  const protobuf = toBinary(
    executor.CallSchema,
    create(executor.CallSchema, {
      type: executor.Call_Type.MESSAGE,
      frameworkId: { value: "f1" },
      executorId: { value: "e1" },
      message: { data: new Uint8Array([1]) },
    }),
  );
  expect(await send(protobuf, { "Content-Type": "application/x-protobuf", Accept: "application/x-protobuf" })).toEqual([
    400,
    "Framework cannot be found",
  ]);
});
