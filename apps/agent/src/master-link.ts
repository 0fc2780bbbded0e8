/**
 * The agent's connection to the master: one link (a WebSocket to the master's AGENT_LINK_PATH)
 * whose first frame is the agent's AttachRequest (registering or re-registering); the master
 * answers Registered, then both sides send messages on it as they come. When the link closes the
 * agent dials again after Mesos's backoff (random in [0, factor], doubling up to 1 min). Messages
 * from the master go to `onMessage`; `send` reports back while attached.
 *
 * A refused connection means no master is there yet (Mesos's agent would still be waiting for its
 * detector): the next try is again random in [0, factor], not doubled. Mesos starts its doubling
 * backoff once a master is detected; doubling while a master restarts left 10,000 agents waiting up
 * to 1 + 2 + 4 s after it was back.
 *
 * Liveness, as Mesos's agent: if no ping comes within the total ping timeout the master gave in
 * Registered (its agent_ping_timeout x max_agent_ping_timeouts), the agent drops the link and
 * registers again, without waiting for the socket to close (a hung master may never close it).
 * An attempt not answered within ATTACH_TIMEOUT_MS is dropped the same way.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { type Clock, createBackoff, errorMessage, formatDuration, type Logger, type TimerHandle } from "@mesos/core";
import { AgentIDSchema, type AgentID, internal } from "@mesos/proto";
import {
  AGENT_LINK_PATH,
  LinkClose,
  type LinkDialer,
  type LinkEnd,
  MAX_FRAME_BYTES,
  toBaseUrl,
  varintSize,
  webSocketDialer,
  writeVarint,
} from "@mesos/rpc";
import { decodeMasterMessage } from "./master-message-decoder.ts";

interface MasterLinkOptions {
  master: string;
  /** How to reach the master (default: a WebSocket to `master`; in tests, `inMemoryDialer(master.acceptAgentLink)`). */
  transport?: LinkDialer;
  clock: Clock;
  log: Logger;
  backoffFactorMs: number;
  /** The backoff's randomness (tests pin it). */
  random?: () => number;
  /** Built fresh for every attempt: what the agent holds right now (an encoded AttachRequest). */
  attachRequest(): Uint8Array;
  onRegistered(registered: internal.Registered): void;
  /** `frame` is the message's bytes (a RunTask's checkpoint reuses its parts). */
  onMessage(message: internal.MasterMessage, frame: Uint8Array): void;
  onDisconnected(): void;
  /** The master refused the agent for good (e.g. marked gone). */
  onRefused(reason: string): void;
}

/** One of AgentMessage's `message` fields, already encoded (a status update around its checkpointed status). */
export interface EncodedAgentMessage {
  case: "encoded";
  /** Its field number in AgentMessage. */
  field: number;
  bytes: Uint8Array;
}

export type OutgoingAgentMessage = internal.AgentMessage["message"] | EncodedAgentMessage;

/** Mesos's DEFAULT_MASTER_PING_TIMEOUT (15 s x 5), for a master that names none. */
const DEFAULT_MASTER_PING_TIMEOUT_MS = 75_000;

/**
 * An attempt not answered (Registered) by then is dropped and dialed again after the backoff: an
 * address that never answers (a partition) would hold the agent for TCP's two minutes of SYN
 * retries, a master that took the link and hung, for ever. Long, because dropping an attempt
 * costs a busy master more (Mesos's agent resends on the same connection instead, and its master
 * ignores a registration already under way): with 5 s to open the link, 10,000 agents reconnecting
 * to a master on an overloaded machine (its upgrades answered after up to 25 s) gave up again and
 * again, their backoff doubling to a minute, and all were back after 92 s instead of about 25.
 */
export const ATTACH_TIMEOUT_MS = 75_000;

/** How one attempt's link ended. */
interface Ended {
  /** The link opened (a master was there and took the attach request). */
  opened: boolean;
  /** The agent dropped it: the master stopped pinging. */
  dropped?: boolean;
  code: number;
  reason: string;
  cause?: unknown;
}

export function createMasterLink(options: MasterLinkOptions) {
  const dial = options.transport ?? webSocketDialer(`${toBaseUrl(options.master).replace(/^http/, "ws")}${AGENT_LINK_PATH}`);
  const backoff = createBackoff({ initialMs: options.backoffFactorMs, maxMs: 60_000, jitter: true, random: options.random });
  let connection: { agentId: AgentID; connectionId: string; end: LinkEnd; envelope?: Uint8Array } | undefined;
  /** The link of the attempt under way. */
  let current: LinkEnd | undefined;
  let running = false;
  /** The last attempt found no master listening (logged once until one answers). */
  let masterAbsent = false;

  function attachOnce(): Promise<Ended> {
    return new Promise((resolve) => {
      let opened = false;
      let ended = false;
      /** Runs out when the master has been silent too long: not open, not answering, no pings. */
      let deadline: TimerHandle | undefined;
      let pingTimeoutMs = DEFAULT_MASTER_PING_TIMEOUT_MS;
      const finish = (how: Ended) => {
        if (ended) return;
        ended = true;
        deadline?.cancel();
        resolve(how);
      };
      /**
       * Drops the link unless the master is heard from within `ms`; `how` says what was awaited,
       * made only if it runs out (every attempt and every ping arms one: after a failover 10,000
       * agents do at once, and an Error's stack trace is not free).
       */
      const expect = (ms: number, how: () => Omit<Ended, "opened" | "code">) => {
        deadline?.cancel();
        deadline = options.clock.setTimeout(() => {
          if (ended) return;
          const why = how();
          end.close(LinkClose.NORMAL, why.reason);
          finish({ opened, code: LinkClose.NORMAL, ...why });
        }, ms);
      };
      const expectPing = () => {
        const ms = pingTimeoutMs;
        expect(ms, () => ({ reason: `No pings from the master received within ${formatDuration(ms)}`, dropped: true }));
      };
      expect(ATTACH_TIMEOUT_MS, () => ({
        reason: `No answer to the attach within ${formatDuration(ATTACH_TIMEOUT_MS)}`,
        cause: Object.assign(new Error(`No answer within ${formatDuration(ATTACH_TIMEOUT_MS)}`), { code: "ETIMEDOUT" }),
      }));
      const end: LinkEnd = dial({
        open() {
          if (ended) return;
          opened = true;
          end.send(options.attachRequest());
        },
        message(frame) {
          if (ended) return;
          let message: internal.MasterMessage;
          try {
            message = decodeMasterMessage(frame);
          } catch (e) {
            end.close(LinkClose.INVALID_FRAME, "Invalid MasterMessage");
            options.log.warn(`The master sent a frame that does not decode: ${errorMessage(e)}`);
            return;
          }
          const m = message.message;
          if (m.case === "registered") {
            connection = { agentId: create(AgentIDSchema, { value: m.value.agentId!.value }), connectionId: m.value.connectionId, end };
            masterAbsent = false;
            backoff.reset();
            if (m.value.totalPingTimeoutSeconds) pingTimeoutMs = m.value.totalPingTimeoutSeconds * 1000;
            // Armed on registering: a master that never pings is noticed too.
            expectPing();
            options.onRegistered(m.value);
          } else if (m.case === "shutdown") {
            running = false;
            end.close(LinkClose.NORMAL, "Shut down by the master");
            options.onRefused(m.value.message);
          } else {
            if (m.case === "ping" && connection?.end === end) expectPing();
            options.onMessage(message, frame);
          }
        },
        close: (code, reason, cause) => finish({ opened, code, reason, cause }),
      });
      current = end;
    });
  }

  async function loop(): Promise<void> {
    while (running) {
      await options.clock.sleep(backoff.next());
      if (!running) break;
      const ended = await attachOnce();
      current = undefined;
      if (running) {
        const why = `${ended.code}${ended.reason ? ` ${ended.reason}` : ""}`;
        if (ended.dropped) {
          options.log.warn(`${ended.reason}; registering again`);
        } else if (connection) {
          options.log.warn(`The master closed the link (${why}); re-registering`);
        } else if (ended.opened) {
          options.log.warn(`The master did not take the attach (${why}); retrying`);
        } else {
          const noMaster = connectionRefused(ended.cause);
          // Said once per outage: while no master listens the agent retries about twice a second.
          if (!noMaster || !masterAbsent)
            options.log.warn(`Cannot reach the master at ${options.master}: ${ended.cause ? errorMessage(ended.cause) : why}`);
          masterAbsent = noMaster;
          if (noMaster) backoff.reset();
        }
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
      current?.close(LinkClose.NORMAL, "The agent stopped");
    },
    get connected(): boolean {
      return connection !== undefined;
    },
    /** Sends a message now; false if not attached (callers that need delivery retry themselves). */
    send(message: OutgoingAgentMessage): boolean {
      const c = connection;
      if (!c) return false;
      c.envelope ??= toBinary(internal.AgentMessageSchema, create(internal.AgentMessageSchema, { agentId: c.agentId, connectionId: c.connectionId }));
      const frame = encodeAgentMessage(c.envelope, message);
      // The master would close the link over it (and hear the same again after re-registering).
      if (frame.length > MAX_FRAME_BYTES) {
        options.log.error(`Not sending ${message.case} to the master: ${frame.length} bytes is over the link's limit of ${MAX_FRAME_BYTES} bytes`);
      } else {
        c.end.send(frame);
      }
      return true;
    },
  };
}

export type MasterLink = ReturnType<typeof createMasterLink>;

/** The AgentMessage carrying `message` (an encoded one goes as the field it is). */
export function agentMessage(agentId: AgentID, connectionId: string, message: OutgoingAgentMessage): internal.AgentMessage {
  const envelope = create(internal.AgentMessageSchema, { agentId, connectionId });
  if (message.case === "encoded") {
    // protobuf-es writes an unknown field as it is: the master reads it as the field it is.
    const data = new BinaryWriter().bytes(message.bytes).finish();
    envelope.$unknown = [{ no: message.field, wireType: WireType.LengthDelimited, data }];
  } else {
    envelope.message = message;
  }
  return envelope;
}

/**
 * An AgentMessage's bytes: the connection's envelope (agent id and connection id, the same for
 * every message, encoded once) followed by the message's field. Fields may come in any order.
 */
export function encodeAgentMessage(envelope: Uint8Array, message: OutgoingAgentMessage): Uint8Array {
  // An encoded field (a status update: three a task) in one copy, without a BinaryWriter.
  if (message.case === "encoded") {
    const tag = (message.field << 3) | WireType.LengthDelimited;
    const length = message.bytes.length;
    const out = new Uint8Array(envelope.length + varintSize(tag) + varintSize(length) + length);
    out.set(envelope);
    out.set(message.bytes, writeVarint(out, writeVarint(out, envelope.length, tag), length));
    return out;
  }
  const w = new BinaryWriter();
  w.raw(envelope);
  if (message.case !== undefined) {
    const field = MESSAGE_FIELDS.get(message.case)!;
    w.tag(field.number, WireType.LengthDelimited).bytes(toBinary(field.message!, message.value as never));
  }
  return w.finish();
}

const MESSAGE_FIELDS = new Map(internal.AgentMessageSchema.oneofs[0]!.fields.map((f) => [f.localName, f]));

/** Nothing listens at the master's address (it is down or restarting). */
function connectionRefused(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return code === "ECONNREFUSED" || code === "ConnectionRefused";
}
