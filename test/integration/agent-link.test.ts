/**
 * The agent <-> master link (a WebSocket on the master's port): a master that does not lead
 * refuses the attach; a frame over the limit closes that link with 1009 and nothing else; an agent
 * comes back under its id after the master restarts; a message sent while detached is refused; a
 * frame that does not decode closes its link (1007), one missing a required field is dropped and logged.
 */
import { expect, test } from "bun:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { createOperatorClient } from "@mesos/client";
import { createLogger, ManualClock } from "@mesos/core";
import { AgentIDSchema, internal, MasterInfoSchema } from "@mesos/proto";
import { AGENT_LINK_PATH, LinkClose, MAX_FRAME_BYTES } from "@mesos/rpc";
import { eventually, freePort, startTestAgent, startTestMaster, tempDir } from "../support/cluster.ts";
import { useCleanups } from "../support/cleanups.ts";
import { attachInMemoryAgent, createInMemoryMaster } from "../support/in-memory-master.ts";

const cleanup = useCleanups();

const attachRequest = (hostname: string) =>
  toBinary(internal.AttachRequestSchema, create(internal.AttachRequestSchema, { agentInfo: { hostname }, endpoint: `http://${hostname}:5051` }));

const pong = () => ({ case: "pong" as const, value: create(internal.PongSchema) });

/** A bare WebSocket to the master's link endpoint: what it sends and how it closes. */
function rawLink(masterUrl: string) {
  const ws = new WebSocket(`${masterUrl.replace("http", "ws")}${AGENT_LINK_PATH}`);
  ws.binaryType = "arraybuffer";
  const received: internal.MasterMessage[] = [];
  ws.onmessage = (e) => received.push(fromBinary(internal.MasterMessageSchema, new Uint8Array(e.data as ArrayBuffer)));
  const opened = new Promise<void>((resolve) => (ws.onopen = () => resolve()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })));
  cleanup(() => ws.close());
  return { ws, received, opened, closed };
}

test("a master that does not lead closes the link (1013, naming the leader) and registers no agent", async () => {
  const other = create(MasterInfoSchema, { id: "other", ip: 0, port: 5050, hostname: "leader.example" });
  const master = await startTestMaster({ leader: () => other });
  cleanup(() => master.stop());
  const link = rawLink(master.url);
  await link.opened;
  link.ws.send(attachRequest("h"));
  expect(await link.closed).toEqual({ code: LinkClose.TRY_AGAIN_LATER, reason: "Not the leading master; the leader is at //leader.example:5050" });
  expect(link.received).toEqual([]);
  expect(master.ctx.agents.size).toBe(0);
});

test("a frame over the limit closes its link with 1009; the master goes on serving", async () => {
  const master = await startTestMaster();
  cleanup(() => master.stop());
  const link = rawLink(master.url);
  await link.opened;
  link.ws.send(attachRequest("big"));
  await eventually(() => link.received.some((m) => m.message.case === "registered"), 10_000, "Registered");
  link.ws.send(new Uint8Array(MAX_FRAME_BYTES + 1));
  expect((await link.closed).code).toBe(LinkClose.TOO_BIG);
  const agentId = (link.received[0]!.message.value as internal.Registered).agentId!.value;
  await eventually(() => !master.ctx.agents.get(agentId)?.connected, 10_000, "the master to drop the link");

  const agent = await startTestAgent(master);
  cleanup(() => agent.stop());
  expect(await agent.registered).not.toBe(agentId);
  expect((await fetch(`${master.url}/health`)).status).toBe(200);
});

test("a frame over the limit is refused with its size, in memory too", async () => {
  const master = await createInMemoryMaster(cleanup);
  const closed = Promise.withResolvers<{ code: number; reason: string }>();
  const end = master.agentLinks({ open: () => {}, message: () => {}, close: (code, reason) => closed.resolve({ code, reason }) });
  end.send(new Uint8Array(MAX_FRAME_BYTES + 1));
  expect(await closed.promise).toEqual({
    code: LinkClose.TOO_BIG,
    reason: `Frame of ${MAX_FRAME_BYTES + 1} bytes is larger than the limit of ${MAX_FRAME_BYTES} bytes`,
  });
});

/** A link dialed in memory by hand: the frames it gets and how it closes. */
function rawInMemoryLink(master: Awaited<ReturnType<typeof createInMemoryMaster>>) {
  const received: internal.MasterMessage[] = [];
  const closed = Promise.withResolvers<{ code: number; reason: string }>();
  const end = master.agentLinks({
    message: (frame) => received.push(fromBinary(internal.MasterMessageSchema, frame)),
    close: (code, reason) => closed.resolve({ code, reason }),
  });
  return { end, received, closed: closed.promise };
}

test("an AgentMessage missing a required field is dropped with an error naming it; the link stays up", async () => {
  const lines: string[] = [];
  const master = await createInMemoryMaster(cleanup, { log: createLogger({ name: "master", level: "info", sink: (l) => lines.push(l) }) });
  const link = rawInMemoryLink(master);
  link.end.send(attachRequest("h"));
  await eventually(() => link.received.some((m) => m.message.case === "registered"), 5_000, "Registered");
  const { agentId, connectionId } = link.received.find((m) => m.message.case === "registered")!.message.value as internal.Registered;
  const agent = master.ctx.agents.get(agentId!.value)!;
  agent.awaitingPong = true;
  // Frames protobuf-es would refuse to encode, written field by field: a status update without its
  // status, and a pong without the agent's id.
  const bytes = (write: (w: BinaryWriter) => unknown) => {
    const w = new BinaryWriter();
    write(w);
    return w.finish();
  };
  const agentIdBytes = toBinary(AgentIDSchema, agentId!);
  const withoutStatus = bytes((w) => w.tag(1, WireType.LengthDelimited).bytes(bytes((f) => f.tag(1, WireType.LengthDelimited).string("f"))));
  link.end.send(
    bytes((w) => {
      w.tag(1, WireType.LengthDelimited).bytes(agentIdBytes).tag(2, WireType.LengthDelimited).string(connectionId);
      w.tag(4, WireType.LengthDelimited).bytes(withoutStatus);
    }),
  );
  link.end.send(bytes((w) => w.tag(2, WireType.LengthDelimited).string(connectionId).tag(3, WireType.LengthDelimited).bytes(new Uint8Array())));
  await eventually(() => lines.filter((l) => l.includes("missing required fields")).length === 2, 5_000, "two errors logged");
  expect(lines.filter((l) => l.includes("missing required fields")).map((l) => l.replace(/^.*\] /, ""))).toEqual([
    `Dropped statusUpdate from agent ${agentId!.value}: missing required fields: status_update.status`,
    "Dropped pong from agent undefined: missing required fields: agent_id",
  ]);
  expect(agent.awaitingPong).toBe(true);
  link.end.send(toBinary(internal.AgentMessageSchema, create(internal.AgentMessageSchema, { agentId, connectionId, message: pong() })));
  await eventually(() => !agent.awaitingPong, 5_000, "the complete pong to be heard");
  expect(agent.connected).toBe(true);
});

test("a frame that does not decode as an AgentMessage closes its link with 1007", async () => {
  const master = await createInMemoryMaster(cleanup);
  const link = rawInMemoryLink(master);
  link.end.send(attachRequest("h"));
  await eventually(() => link.received.some((m) => m.message.case === "registered"), 5_000, "Registered");
  link.end.send(new Uint8Array([0x0a, 0xff, 0xff]));
  const { code, reason } = await link.closed;
  expect(code).toBe(LinkClose.INVALID_FRAME);
  expect(reason).toStartWith("Invalid AgentMessage: ");
});

test("an agent's message over the limit is not sent, and its link stays up", async () => {
  const master = await createInMemoryMaster(cleanup);
  const { link, registered } = await attachInMemoryAgent(master, cleanup);
  const id = await registered;
  const data = new Uint8Array(MAX_FRAME_BYTES);
  const value = create(internal.ExecutorToFrameworkSchema, { frameworkId: { value: "f" }, executorId: { value: "e" }, data });
  expect(link.send({ case: "executorToFramework", value })).toBe(true);
  expect(link.send(pong())).toBe(true);
  await Bun.sleep(0);
  expect([link.connected, master.ctx.agents.get(id)?.connected]).toEqual([true, true]);
});

test("a message sent while detached is refused (false): before registering and after the link drops", async () => {
  const master = await createInMemoryMaster(cleanup);
  // The agent's clock holds its backoff: it dials only when the test moves it.
  const clock = new ManualClock();
  const { link, registered } = await attachInMemoryAgent(master, cleanup, { clock });
  expect(link.send(pong())).toBe(false);
  clock.advance(10);
  const id = await registered;
  expect(link.send(pong())).toBe(true);
  master.ctx.agents.get(id)!.link!.messages.close();
  await eventually(() => !link.connected, 5_000, "the agent to see its link close");
  expect(link.send(pong())).toBe(false);
  // It dials again and is back under its id.
  clock.advance(10);
  await eventually(() => link.connected && master.ctx.agents.get(id)?.connected, 5_000, "the agent to re-attach");
});

test("an agent re-registers under its id after the master restarts on its address", async () => {
  const port = freePort();
  const flags = [`--work_dir=${tempDir("master")}`, `--port=${port}`];
  let master = await startTestMaster({ flags });
  const agent = await startTestAgent(master);
  cleanup(() => agent.stop());
  const agentId = await agent.registered;
  await master.stop();
  master = await startTestMaster({ flags });
  cleanup(() => master.stop());
  const operator = createOperatorClient(master.url);
  const back = await eventually(async () => (await operator.getAgents()).agents.find((a) => a.active), 10_000, "the agent to re-register");
  expect(back.agentInfo!.id!.value).toBe(agentId);
  expect(master.ctx.agents.get(agentId)?.connected).toBe(true);
});

test("an agent that hears no ping for the master's total ping timeout drops the link and re-registers under its id", async () => {
  // The master's clock stands still: it never pings, and it keeps the link open.
  const master = await createInMemoryMaster(cleanup, {
    clock: new ManualClock(),
    flags: ["--agent_ping_timeout=2secs", "--max_agent_ping_timeouts=3"],
  });
  const clock = new ManualClock();
  const { link, registered } = await attachInMemoryAgent(master, cleanup, { clock });
  clock.advance(10);
  const id = await registered;
  const first = master.ctx.agents.get(id)!.link!.connectionId;
  // Registered said 2 s x 3: just before, the link stands.
  clock.advance(5_999);
  await Bun.sleep(10);
  expect(master.ctx.agents.get(id)!.link!.connectionId).toBe(first);
  clock.advance(1);
  await eventually(() => !link.connected, 5_000, "the agent to drop its link");
  clock.advance(10);
  await eventually(() => link.connected && master.ctx.agents.get(id)?.connected, 5_000, "the agent to re-attach");
  expect(master.ctx.agents.get(id)!.link!.connectionId).not.toBe(first);
});
