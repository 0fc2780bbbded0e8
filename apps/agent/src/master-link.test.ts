import { expect, test } from "bun:test";
import { type Clock, ManualClock, silentLogger } from "@mesos/core";
import type { LinkDialer, LinkListener } from "@mesos/rpc";
import { AgentIDSchema, internal } from "@mesos/proto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { agentMessage, ATTACH_TIMEOUT_MS, createMasterLink, encodeAgentMessage } from "./master-link.ts";

type MasterLinkOptions = Parameters<typeof createMasterLink>[0];

/** A link's options with quiet defaults: a test names what it looks at. */
function linkOptions(options: Pick<MasterLinkOptions, "transport" | "clock"> & Partial<MasterLinkOptions>): MasterLinkOptions {
  return {
    master: "127.0.0.1:5050",
    log: silentLogger,
    backoffFactorMs: 1000,
    random: () => 0.5,
    attachRequest: () =>
      toBinary(internal.AttachRequestSchema, create(internal.AttachRequestSchema, { agentInfo: { hostname: "h" }, endpoint: "http://h:5051" })),
    onRegistered: () => {},
    onMessage: () => {},
    onDisconnected: () => {},
    onRefused: () => {},
    ...options,
  };
}

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
  link = createMasterLink(linkOptions({ transport, clock }));
  link.start();
  while (outcomes.length > 0 || sleeps.length < 7) await Bun.sleep(1);
  // Before each try: 3 with no master there (factor 1 s, half of it), then doubling: 0.5, 1, 2, 4 s.
  expect(sleeps.slice(0, 7)).toEqual([500, 500, 500, 500, 1000, 2000, 4000]);
});

test("a master that stops pinging but keeps the link open is dropped after its total ping timeout, and the agent registers again", async () => {
  const clock = new ManualClock();
  const links: { listener: LinkListener; closedByAgent: boolean; attaches: number }[] = [];
  const registered = (connectionId: string) =>
    toBinary(
      internal.MasterMessageSchema,
      create(internal.MasterMessageSchema, {
        message: {
          case: "registered",
          value: { agentId: { value: "A1" }, masterInfo: { id: "m", ip: 0, port: 5050 }, connectionId, totalPingTimeoutSeconds: 75 },
        },
      }),
    );
  const ping = toBinary(internal.MasterMessageSchema, create(internal.MasterMessageSchema, { message: { case: "ping", value: {} } }));
  // A master that takes every link and answers the attach, and then only sends what the test says; it never closes a link.
  const transport: LinkDialer = (listener) => {
    const link = { listener, closedByAgent: false, attaches: 0 };
    links.push(link);
    queueMicrotask(() => listener.open?.());
    return {
      send: () => {
        link.attaches++;
        queueMicrotask(() => listener.message(registered(`c${links.length}`)));
      },
      close: () => void (link.closedByAgent = true),
    };
  };
  const registrations: string[] = [];
  let disconnects = 0;
  const link = createMasterLink(
    linkOptions({
      transport,
      clock,
      random: () => 0,
      onRegistered: (r) => registrations.push(r.connectionId),
      onDisconnected: () => disconnects++,
    }),
  );
  const settle = () => Bun.sleep(1);
  link.start();
  await settle();
  clock.advance(0);
  await settle();
  expect(registrations).toEqual(["c1"]);
  // Pings keep the link: 74 s, a ping, 74 s more.
  clock.advance(74_000);
  links[0]!.listener.message(ping);
  clock.advance(74_000);
  await settle();
  expect(links[0]!.closedByAgent).toBe(false);
  expect(link.connected).toBe(true);
  // Then the master goes quiet: 75 s after the last ping the agent drops the link (the socket never closed) ...
  clock.advance(1_000);
  await settle();
  expect(links[0]!.closedByAgent).toBe(true);
  expect(disconnects).toBe(1);
  // ... and registers again on a new link.
  clock.advance(0);
  await settle();
  expect(links.length).toBe(2);
  expect(registrations).toEqual(["c1", "c2"]);
  expect(link.connected).toBe(true);
  // A ping on the old link no longer counts: the new link is dropped 75 s after it registered.
  clock.advance(74_000);
  links[0]!.listener.message(ping);
  clock.advance(1_000);
  await settle();
  expect(links[1]!.closedByAgent).toBe(true);
  link.stop();
});

test("an attempt the master does not answer within the attach timeout is dropped and dialed again after the doubled backoff (Mesos retries unanswered registrations)", async () => {
  const clock = new ManualClock();
  const dials: { at: number; closed: boolean }[] = [];
  // An address that never answers: the dial neither opens nor fails.
  const transport: LinkDialer = () => {
    const dial = { at: clock.now(), closed: false };
    dials.push(dial);
    return { send: () => {}, close: () => void (dial.closed = true) };
  };
  const link = createMasterLink(linkOptions({ master: "10.255.255.1:5050", transport, clock }));
  const start = clock.now();
  const step = async (ms: number) => {
    clock.advance(ms);
    await Bun.sleep(1);
  };
  link.start();
  await step(500);
  expect(dials.map((d) => d.at - start)).toEqual([500]);
  await step(ATTACH_TIMEOUT_MS - 1);
  expect(dials[0]!.closed).toBe(false);
  await step(1);
  expect(dials[0]!.closed).toBe(true);
  // Then half of the doubled ceiling (2 s), and the next dial; then 4 s.
  await step(1000);
  await step(ATTACH_TIMEOUT_MS);
  await step(2000);
  expect(dials.map((d) => d.at - start)).toEqual([500, 500 + ATTACH_TIMEOUT_MS + 1000, 500 + 2 * ATTACH_TIMEOUT_MS + 3000]);
  link.stop();
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
    const frame = encodeAgentMessage(envelope, message);
    const whole = toBinary(internal.AgentMessageSchema, agentMessage(agentId, "c1", message));
    const decoded = fromBinary(internal.AgentMessageSchema, frame);
    expect(decoded).toEqual(fromBinary(internal.AgentMessageSchema, whole));
    // An encoded field follows the envelope as protobuf-es writes an unknown field: the same bytes.
    if (message.case === "encoded") expect(frame).toEqual(whole);
    expect([decoded.agentId?.value, decoded.connectionId, decoded.message.case]).toEqual([
      "agent-1",
      "c1",
      message.case === "encoded" ? "statusUpdate" : message.case,
    ]);
  }
});
