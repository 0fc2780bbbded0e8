/**
 * The agent's connection to the master: Attach (registering or re-registering) and keep the
 * stream open, retrying with Mesos's backoff (random in [0, factor], doubling up to 1 min) whenever
 * it drops. Messages from the master go to `onMessage`; `send` reports back while attached.
 *
 * A refused connection means no master is there yet (Mesos's agent would still be waiting for its
 * detector): the next try is again random in [0, factor], not doubled. Mesos starts its doubling
 * backoff once a master is detected; doubling while a master restarts left 10,000 agents waiting up
 * to 1 + 2 + 4 s after it was back.
 */
import { create } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { type Clock, createBackoff, errorMessage, type Logger } from "@mesos/core";
import { internal } from "@mesos/proto";
import { createTransport, fromConnectError, toBaseUrl } from "@mesos/rpc";

interface MasterLinkOptions {
  master: string;
  /** How to reach the master (default: Connect over HTTP to `master`; in tests, an in-memory transport). */
  transport?: Transport;
  clock: Clock;
  log: Logger;
  backoffFactorMs: number;
  /** The backoff's randomness (tests pin it). */
  random?: () => number;
  /** Built fresh for every attempt: what the agent holds right now. */
  attachRequest(): internal.AttachRequest;
  onRegistered(registered: internal.Registered): void;
  onMessage(message: internal.MasterMessage): void;
  onDisconnected(): void;
  /** The master refused the agent for good (e.g. marked gone). */
  onRefused(reason: string): void;
}

export function createMasterLink(options: MasterLinkOptions) {
  const client = createClient(internal.AgentLink, options.transport ?? createTransport({ baseUrl: toBaseUrl(options.master) }));
  const backoff = createBackoff({ initialMs: options.backoffFactorMs, maxMs: 60_000, jitter: true, random: options.random });
  let connection: { agentId: string; connectionId: string } | undefined;
  let abort: AbortController | undefined;
  let running = false;
  /** The last attempt found no master listening (logged once until one answers). */
  let masterAbsent = false;

  async function attachOnce(): Promise<void> {
    abort = new AbortController();
    const stream = client.attach(options.attachRequest(), { signal: abort.signal });
    for await (const message of stream) {
      if (message.message.case === "registered") {
        const r = message.message.value;
        connection = { agentId: r.agentId!.value, connectionId: r.connectionId };
        masterAbsent = false;
        backoff.reset();
        options.onRegistered(r);
      } else if (message.message.case === "shutdown") {
        options.onRefused(message.message.value.message);
        running = false;
        return;
      } else {
        options.onMessage(message);
      }
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      await options.clock.sleep(backoff.next());
      if (!running) break;
      try {
        await attachOnce();
        if (running) options.log.warn("The master closed the connection; re-registering");
      } catch (e) {
        if (!running) break;
        const err = fromConnectError(e);
        if (err.kind === "permission_denied") {
          options.onRefused(err.message);
          running = false;
          break;
        }
        const noMaster = connectionRefused(e);
        // Said once per outage: while no master listens the agent retries about twice a second.
        if (!noMaster || !masterAbsent) options.log.warn(`Cannot reach the master at ${options.master}: ${errorMessage(err)}`);
        masterAbsent = noMaster;
        if (noMaster) backoff.reset();
      }
      if (connection) {
        connection = undefined;
        options.onDisconnected();
      }
    }
  }

  return {
    start(): void {
      running = true;
      void loop();
    },
    stop(): void {
      running = false;
      abort?.abort();
    },
    get connected(): boolean {
      return connection !== undefined;
    },
    /** Sends a message now; false if not attached (callers that need delivery retry themselves). */
    send(message: internal.AgentMessage["message"]): boolean {
      const c = connection;
      if (!c) return false;
      client
        .send(create(internal.AgentMessageSchema, { agentId: { value: c.agentId }, connectionId: c.connectionId, message }))
        .catch((e) => options.log.warn(`Failed to send ${message.case} to the master: ${errorMessage(fromConnectError(e))}`));
      return true;
    },
  };
}

export type MasterLink = ReturnType<typeof createMasterLink>;

/** Nothing listens at the master's address (it is down or restarting). */
function connectionRefused(e: unknown): boolean {
  const cause = (e as { cause?: { code?: unknown } }).cause;
  return cause?.code === "ECONNREFUSED" || cause?.code === "ConnectionRefused";
}
