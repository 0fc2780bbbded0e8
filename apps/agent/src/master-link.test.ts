import { expect, test } from "bun:test";
import { type Clock, silentLogger } from "@mesos/core";
import type { LinkDialer } from "@mesos/rpc";
import { internal } from "@mesos/proto";
import { create } from "@bufbuild/protobuf";
import { createMasterLink } from "./master-link.ts";

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
