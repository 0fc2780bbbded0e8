import { expect, test } from "bun:test";
import { type Clock, silentLogger } from "@mesos/core";
import type { LinkDialer } from "@mesos/rpc";
import { AgentIDSchema, internal } from "@mesos/proto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { agentMessage, createMasterLink, encodeAgentMessage } from "./master-link.ts";

test("no master listening keeps the retry delay at the factor; attempts a master refused double it", async () => {
  const refused = { opens: false, code: 1006, cause: Object.assign(new Error("Failed to connect"), { code: "ECONNREFUSED" }) };
  const busy = { opens: true, code: 1013, cause: undefined };
  // Three tries find no master, then a master closes three links without registering the agent, then the test stops.
  const outcomes = [refused, refused, refused, busy, busy, busy];
  const sleeps: number[] = [];
  let link: ReturnType<typeof createMasterLink> | undefined;
  const transport: LinkDialer = (listener) => {
    const next = outcomes.shift();
    if (!next) link?.stop();
    queueMicrotask(() => {
      if (next?.opens) listener.open?.();
      listener.close(next?.code ?? 1000, "", next?.cause);
    });
    return { send: () => {}, close: () => {} };
  };
  const clock: Clock = { now: () => 0, setTimeout: () => ({ cancel() {} }), sleep: async (ms) => void sleeps.push(ms) };
  link = createMasterLink({
    master: "127.0.0.1:5050",
    transport,
    clock,
    log: silentLogger,
    backoffFactorMs: 1000,
    random: () => 0.5,
    attachRequest: () => create(internal.AttachRequestSchema, { agentInfo: { hostname: "h" }, endpoint: "http://h:5051" }),
    onRegistered: () => {},
    onMessage: () => {},
    onDisconnected: () => {},
    onRefused: () => {},
  });
  link.start();
  while (outcomes.length > 0 || sleeps.length < 7) await Bun.sleep(1);
  // Before each try: 3 with no master there (factor 1 s, half of it), then doubling: 0.5, 1, 2, 4 s.
  expect(sleeps.slice(0, 7)).toEqual([500, 500, 500, 500, 1000, 2000, 4000]);
});

test("a message sent after the connection's envelope decodes as the whole AgentMessage, for an encoded field and a plain one", () => {
  const agentId = create(AgentIDSchema, { value: "agent-1" });
  const envelope = toBinary(internal.AgentMessageSchema, create(internal.AgentMessageSchema, { agentId, connectionId: "c1" }));
  const update = create(internal.StatusUpdateSchema, {
    frameworkId: { value: "f" },
    status: { taskId: { value: "t" }, state: 1, uuid: new Uint8Array(16) },
  });
  const encoded = { case: "encoded" as const, field: 4, bytes: toBinary(internal.StatusUpdateSchema, update) };
  const exited = {
    case: "exitedExecutor" as const,
    value: create(internal.ExitedExecutorSchema, { frameworkId: { value: "f" }, executorId: { value: "e" }, status: 0 }),
  };
  for (const message of [encoded, exited, { case: "pong" as const, value: create(internal.PongSchema) }]) {
    const decoded = fromBinary(internal.AgentMessageSchema, encodeAgentMessage(envelope, message));
    expect(decoded).toEqual(fromBinary(internal.AgentMessageSchema, toBinary(internal.AgentMessageSchema, agentMessage(agentId, "c1", message))));
    expect([decoded.agentId?.value, decoded.connectionId, decoded.message.case]).toEqual([
      "agent-1",
      "c1",
      message.case === "encoded" ? "statusUpdate" : message.case,
    ]);
  }
});
