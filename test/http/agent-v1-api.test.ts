/**
 * The agent's `POST /api/v1` adapter with call handlers defined here: the media rules for
 * streaming and non-streaming calls, streamed answers flushed record by record, streamed request
 * bodies read while they arrive, client disconnects reaching the handler, and error statuses.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { conflict, internal, invalid, notFound } from "@mesos/core";
import { agent } from "@mesos/proto";
import { encodeRecord, readRecords } from "@mesos/rpc";
import { ACCEPTED, agentApi, type AgentCallHandler } from "@mesos/agent";
import { eventually } from "../support/cluster.ts";

const T = agent.Call_Type;
const enc = new TextEncoder();
const json = (v: unknown) => enc.encode(JSON.stringify(v));
const output = (text: string) =>
  create(agent.ProcessIOSchema, { type: agent.ProcessIO_Type.DATA, data: { type: agent.ProcessIO_Data_Type.STDOUT, data: enc.encode(text) } });

/** What the handlers saw, for the assertions. */
const seen = {
  inputs: [] as agent.Call[],
  outputAborted: false,
  releaseOutput: () => {},
};

const handler: AgentCallHandler = {
  call(call) {
    switch (call.type) {
      case T.GET_HEALTH:
        return create(agent.ResponseSchema, { type: agent.Response_Type.GET_HEALTH, getHealth: { healthy: true } });
      case T.KILL_CONTAINER:
        return create(agent.ResponseSchema);
      case T.LAUNCH_CONTAINER:
        return ACCEPTED;
      case T.WAIT_CONTAINER:
        throw notFound(`Container ${call.waitContainer?.containerId?.value} cannot be found`);
      default:
        throw invalid("unexpected call in this test");
    }
  },
  callOutputStream(call, signal) {
    const id = call.attachContainerOutput?.containerId?.value ?? call.launchNestedContainerSession?.containerId?.value;
    if (id === "unknown") {
      // A bare generator that fails at once: still an error status.
      // biome-ignore lint/correctness/useYield: a stream that fails before its first record
      return (async function* () {
        throw notFound(`Container ${id} cannot be found`);
      })();
    }
    if (id === "no-tty") return Promise.reject(internal("I/O switchboard server was disabled for this container"));
    if (id === "exists") return Promise.resolve(ACCEPTED);
    return Promise.resolve(
      (async function* () {
        yield output("first");
        // The rest comes only when the test says so: the first record must already be out.
        await new Promise<void>((resolve) => {
          seen.releaseOutput = resolve;
          signal.addEventListener("abort", () => {
            seen.outputAborted = true;
            resolve();
          });
        });
        if (signal.aborted) return;
        yield output("second");
      })(),
    );
  },
  async callInputStream(calls) {
    let first = true;
    for await (const c of calls) {
      if (first && c.attachContainerInput?.type !== agent.Call_AttachContainerInput_Type.CONTAINER_ID) {
        throw invalid("Expecting 'attach_container_input.type' to be CONTAINER_ID");
      }
      first = false;
      if (c.attachContainerInput?.containerId?.value === "busy") throw conflict("Another input stream is attached");
      seen.inputs.push(c);
    }
    return create(agent.ResponseSchema);
  },
};

let server: ReturnType<typeof Bun.serve>;
let url: string;
beforeAll(() => {
  const api = agentApi(handler);
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: (req) => api(req) });
  url = `http://127.0.0.1:${server.port}/api/v1`;
});
afterAll(async () => {
  await server.stop(true);
});

const post = (headers: Record<string, string>, body?: RequestInit["body"], signal?: AbortSignal) =>
  fetch(url, { method: "POST", headers, body, signal });
const jsonCall = (call: unknown, headers: Record<string, string> = {}) => post({ "Content-Type": "application/json", ...headers }, json(call));
const attachOutput = (id: string) => ({ type: "ATTACH_CONTAINER_OUTPUT", attach_container_output: { container_id: { value: id } } });
const inputCall = (init: Parameters<typeof create<typeof agent.CallSchema>>[1]) => toBinary(agent.CallSchema, create(agent.CallSchema, init));
const containerIdRecord = (id: string) =>
  inputCall({
    type: T.ATTACH_CONTAINER_INPUT,
    attachContainerInput: { type: agent.Call_AttachContainerInput_Type.CONTAINER_ID, containerId: { value: id } },
  });
const stdinRecord = (text: string) =>
  inputCall({
    type: T.ATTACH_CONTAINER_INPUT,
    attachContainerInput: {
      type: agent.Call_AttachContainerInput_Type.PROCESS_IO,
      processIo: { type: agent.ProcessIO_Type.DATA, data: { type: agent.ProcessIO_Data_Type.STDIN, data: enc.encode(text) } },
    },
  });
const recordio = { "Content-Type": "application/recordio", "Message-Content-Type": "application/x-protobuf" };

async function expectStatus(res: Promise<Response>, status: number, text = ""): Promise<void> {
  const r = await res;
  expect({ status: r.status, body: await r.text() }).toEqual({ status, body: text === "" && status < 400 ? "" : expect.stringContaining(text) });
}

describe("non-streaming calls", () => {
  test("an answer in the format Accept allows (JSON by default, JSON preferred)", async () => {
    const res = await jsonCall({ type: "GET_HEALTH" });
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(await res.json()).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
    const pb = await post({ "Content-Type": "application/x-protobuf", Accept: "application/x-protobuf" }, inputCall({ type: T.GET_HEALTH }));
    expect(pb.headers.get("Content-Type")).toBe("application/x-protobuf");
    expect(fromBinary(agent.ResponseSchema, new Uint8Array(await pb.arrayBuffer())).getHealth?.healthy).toBe(true);
  });

  test("a Response without a type is 200 with no body; ACCEPTED is 202", async () => {
    await expectStatus(jsonCall({ type: "KILL_CONTAINER", kill_container: { container_id: { value: "c" } } }), 200);
    await expectStatus(jsonCall({ type: "LAUNCH_CONTAINER", launch_container: { container_id: { value: "c" } } }), 202);
  });

  test("handler errors become statuses with the message as plain text", async () => {
    await expectStatus(jsonCall({ type: "WAIT_CONTAINER", wait_container: { container_id: { value: "x" } } }), 404, "Container x cannot be found");
    await expectStatus(jsonCall({ type: "GET_FLAGS" }), 400, "unexpected call in this test");
  });
});

describe("media rules", () => {
  test.each<[string, Record<string, string>, Uint8Array | undefined, number, string]>([
    ["405 for GET", {}, undefined, 405, "Expecting one of { 'POST' }"],
    ["400 without Content-Type", {}, json({ type: "GET_HEALTH" }), 400, "Expecting 'Content-Type' to be present"],
    [
      "415 for text/plain",
      { "Content-Type": "text/plain" },
      json({ type: "GET_HEALTH" }),
      415,
      "Expecting 'Content-Type' of application/json or application/x-protobuf or application/recordio",
    ],
    [
      "415 for Message-Content-Type on a non-streaming request",
      { "Content-Type": "application/json", "Message-Content-Type": "application/json" },
      json({ type: "GET_HEALTH" }),
      415,
      "to be not set for non-streaming requests",
    ],
    [
      "400 for recordio without Message-Content-Type",
      { "Content-Type": "application/recordio" },
      encodeRecord(containerIdRecord("c")),
      400,
      "Expecting 'Message-Content-Type' to be set for streaming requests",
    ],
    [
      "415 for recordio with another Message-Content-Type",
      { "Content-Type": "application/recordio", "Message-Content-Type": "text/plain" },
      encodeRecord(containerIdRecord("c")),
      415,
      "Expecting 'Message-Content-Type' of",
    ],
    [
      "406 when Accept allows nothing spoken",
      { "Content-Type": "application/json", Accept: "text/html" },
      json({ type: "GET_HEALTH" }),
      406,
      "Expecting 'Accept' to allow",
    ],
    [
      "406 for Message-Accept on a non-streaming answer",
      { "Content-Type": "application/json", "Message-Accept": "application/json" },
      json({ type: "GET_HEALTH" }),
      406,
      "to be not set for non-streaming responses",
    ],
    [
      "406 for recordio with another Message-Accept",
      { "Content-Type": "application/json", Accept: "application/recordio", "Message-Accept": "text/html" },
      json(attachOutput("c")),
      406,
      "Expecting 'Message-Accept' to allow",
    ],
    [
      "415 for a streamed request of another call",
      recordio,
      encodeRecord(inputCall({ type: T.GET_HEALTH })),
      415,
      "Streaming 'Content-Type' application/recordio is not supported for GET_HEALTH call",
    ],
    [
      "415 for ATTACH_CONTAINER_INPUT not streamed",
      { "Content-Type": "application/x-protobuf" },
      containerIdRecord("c"),
      415,
      "Expecting 'Content-Type' to be application/recordio for ATTACH_CONTAINER_INPUT call",
    ],
    [
      "406 for a streamed answer to another call",
      { "Content-Type": "application/json", Accept: "application/recordio" },
      json({ type: "GET_HEALTH" }),
      406,
      "Streaming response is not supported for GET_HEALTH call",
    ],
    ["400 for a recordio body with no record", recordio, new Uint8Array(), 400, "Received EOF while reading request body"],
    ["400 for a malformed record", recordio, enc.encode("x\n"), 400, "Failed to decode RecordIO stream"],
    ["400 without type", { "Content-Type": "application/json" }, json({}), 400, "Expecting 'type' to be present"],
    ["501 for UNKNOWN", { "Content-Type": "application/json" }, json({ type: "UNKNOWN" }), 501, ""],
  ])("%s", async (_, headers, body, status, text) => {
    const res = await fetch(url, { method: body ? "POST" : "GET", headers, body });
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(text);
  });
});

describe("streamed answers", () => {
  test("recordio with Message-Accept protobuf: each record as it is produced", async () => {
    const abort = new AbortController();
    const res = await post(
      { "Content-Type": "application/json", Accept: "application/recordio", "Message-Accept": "application/x-protobuf" },
      json(attachOutput("c")),
      abort.signal,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/recordio");
    expect(res.headers.get("Message-Content-Type")).toBe("application/x-protobuf");
    const records = readRecords(res.body!)[Symbol.asyncIterator]();
    const first = fromBinary(agent.ProcessIOSchema, (await records.next()).value!);
    expect(new TextDecoder().decode(first.data!.data)).toBe("first");
    // The handler is still holding the second record back: the first was flushed on its own.
    seen.releaseOutput();
    const second = fromBinary(agent.ProcessIOSchema, (await records.next()).value!);
    expect(new TextDecoder().decode(second.data!.data)).toBe("second");
    expect((await records.next()).done).toBe(true);
  });

  test("without recordio in Accept: JSON records in RecordIO framing, Content-Type application/json", async () => {
    const res = await jsonCall(attachOutput("c"));
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("Message-Content-Type")).toBeNull();
    const records = readRecords(res.body!)[Symbol.asyncIterator]();
    const first = JSON.parse(new TextDecoder().decode((await records.next()).value!));
    expect(first).toEqual({ type: "DATA", data: { type: "STDOUT", data: btoa("first") } });
    seen.releaseOutput();
    await res.body?.cancel().catch(() => {});
  });

  test("the client going away aborts the handler's signal (a session container is destroyed then)", async () => {
    seen.outputAborted = false;
    const abort = new AbortController();
    const res = await post(
      { "Content-Type": "application/json", Accept: "application/recordio" },
      json({ type: "LAUNCH_NESTED_CONTAINER_SESSION", launch_nested_container_session: { container_id: { value: "s" } } }),
      abort.signal,
    );
    const records = readRecords(res.body!)[Symbol.asyncIterator]();
    await records.next();
    abort.abort();
    await eventually(() => seen.outputAborted, 10_000, "the handler to see the disconnection");
  });

  test("errors before the stream starts are statuses; ACCEPTED is 202 with no stream", async () => {
    await expectStatus(jsonCall(attachOutput("unknown")), 404, "Container unknown cannot be found");
    await expectStatus(jsonCall(attachOutput("no-tty")), 500, "I/O switchboard server was disabled for this container");
    await expectStatus(jsonCall(attachOutput("exists")), 202);
  });
});

describe("streamed requests (ATTACH_CONTAINER_INPUT)", () => {
  test("records split across chunks reach the handler in order, while the request is still being sent", async () => {
    seen.inputs = [];
    const framed = [...encodeRecord(containerIdRecord("c")), ...encodeRecord(stdinRecord("hello")), ...encodeRecord(stdinRecord(""))];
    const head = new Uint8Array(framed.slice(0, encodeRecord(containerIdRecord("c")).length + 3));
    const tail = new Uint8Array(framed.slice(head.length));
    let sendRest!: () => void;
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(head.subarray(0, 1));
        c.enqueue(head.subarray(1));
        await new Promise<void>((resolve) => (sendRest = resolve));
        c.enqueue(tail);
        c.close();
      },
    });
    const res = post(recordio, body);
    await eventually(() => seen.inputs.length === 1, 10_000, "the first record before the rest is sent");
    sendRest();
    await expectStatus(res, 200);
    expect(seen.inputs.map((c) => c.attachContainerInput?.type)).toEqual([
      agent.Call_AttachContainerInput_Type.CONTAINER_ID,
      agent.Call_AttachContainerInput_Type.PROCESS_IO,
      agent.Call_AttachContainerInput_Type.PROCESS_IO,
    ]);
    expect(new TextDecoder().decode(seen.inputs[1]!.attachContainerInput!.processIo!.data!.data)).toBe("hello");
  });

  test("JSON records work too", async () => {
    seen.inputs = [];
    const first = { type: "ATTACH_CONTAINER_INPUT", attach_container_input: { type: "CONTAINER_ID", container_id: { value: "c" } } };
    const body = new Uint8Array([
      ...encodeRecord(json(first)),
      ...encodeRecord(
        json({
          ...first,
          attach_container_input: {
            type: "PROCESS_IO",
            process_io: { type: "CONTROL", control: { type: "HEARTBEAT", heartbeat: { interval: { nanoseconds: 1 } } } },
          },
        }),
      ),
    ]);
    await expectStatus(post({ "Content-Type": "application/recordio", "Message-Content-Type": "application/json" }, body), 200);
    expect(seen.inputs).toHaveLength(2);
  });

  test("the handler's errors: 400 for a first record that is not CONTAINER_ID, 409 for a second input", async () => {
    await expectStatus(post(recordio, encodeRecord(stdinRecord("x"))), 400, "Expecting 'attach_container_input.type' to be CONTAINER_ID");
    await expectStatus(post(recordio, encodeRecord(containerIdRecord("busy"))), 409, "Another input stream is attached");
  });

  test("a bad record later in the stream is a 400", async () => {
    await expectStatus(
      post(recordio, new Uint8Array([...encodeRecord(containerIdRecord("c")), ...enc.encode("3\nxyz")])),
      400,
      "Failed to parse body into Call protobuf",
    );
  });

  test("a handler without streaming calls answers 501 for them", async () => {
    const bare = agentApi({ call: () => create(agent.ResponseSchema) });
    const req = (body: Uint8Array, headers: Record<string, string>) => new Request("http://x/api/v1", { method: "POST", headers, body });
    expect((await bare(req(encodeRecord(containerIdRecord("c")), recordio))).status).toBe(501);
    expect((await bare(req(json(attachOutput("c")), { "Content-Type": "application/json" }))).status).toBe(501);
  });
});
