/**
 * One agent's link, the master's end (the link itself: @mesos/rpc's link/). The agent's first frame
 * is its AttachRequest: the master answers Registered (with the connection id), or a Shutdown when
 * it refuses the agent for good, or closes the link when it cannot take it now (not the leader:
 * 1013 naming the leader; an invalid request: 1011 with the reason). Every later frame is an
 * AgentMessage (one that does not decode closes the link, 1007; one missing a required field is
 * dropped with an error logged); the master's messages to the agent (Agent.send) are frames the other way.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { errorMessage, isMesosError } from "@mesos/core";
import { internal } from "@mesos/proto";
import {
  closeReason,
  LinkClose,
  type LinkEnd,
  type LinkListener,
  MAX_FRAME_BYTES,
  missingRequiredFields,
  refusalError,
  singleField,
} from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { admitLeading } from "../leadership.ts";
import type { AgentOutbox } from "./agent.ts";
import { handleAgentMessage } from "./agent-messages.ts";
import { decodeAttachRequest } from "./attach-request-decoder.ts";
import { attachAgent, onAgentLinkClosed } from "./attach.ts";
import type { AttachTurns } from "./attach-turns.ts";
import { decodeAgentMessage } from "./status-update-decoder.ts";

/** Counts attaches in flight (`master/event_queue_messages`). */
export interface AttachCounter {
  attachStarted(): void;
  attachEnded(): void;
}

/** `turns`: where attaches wait their turn (attach-turns.ts); without, each is handled as its frame is read. */
export function openAgentLinkSession(ctx: MasterContext, toAgent: LinkEnd, counter?: AttachCounter, turns?: AttachTurns): LinkListener {
  let closed = false;
  let state: "new" | "attaching" | "attached" = "new";
  let attached: { agentId: string; connectionId: string } | undefined;
  /** Frames that came while the attach was under way, handled once it is done. */
  let early: Uint8Array[] = [];

  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    toAgent.close(code, closeReason(reason));
  };
  const outbox: AgentOutbox = {
    push(message) {
      return outbox.pushEncoded(message instanceof Uint8Array ? message : toBinary(internal.MasterMessageSchema, message));
    },
    pushEncoded(frame) {
      if (closed) return false;
      toAgent.send(frame);
      return true;
    },
    close: () => close(LinkClose.NORMAL, "The master closed the link"),
    get closed() {
      return closed;
    },
  };

  async function attach(frame: Uint8Array): Promise<void> {
    let req: internal.AttachRequest;
    try {
      // The frameworks the master knows are skipped: reconcile-agent.ts takes only the others' FrameworkInfo.
      req = decodeAttachRequest(frame, (id) => ctx.frameworks.has(id));
    } catch (e) {
      return close(LinkClose.INVALID_FRAME, `Invalid AttachRequest: ${errorMessage(e)}`);
    }
    const missing = missingRequiredFields(internal.AttachRequestSchema, req);
    if (missing.length > 0) return close(LinkClose.ERROR, `Missing required fields: ${missing.join(", ")}`);
    counter?.attachStarted();
    try {
      const { agent, connectionId } = await attachAgent(ctx, req, outbox, singleField(frame, ATTACH_AGENT_INFO_FIELD));
      attached = { agentId: agent.id, connectionId };
    } catch (e) {
      if (isMesosError(e, "permission_denied")) {
        outbox.push(create(internal.MasterMessageSchema, { message: { case: "shutdown", value: { message: e.message } } }));
        return close(LinkClose.NORMAL, "Refused");
      }
      return close(LinkClose.ERROR, errorMessage(e));
    } finally {
      counter?.attachEnded();
    }
    state = "attached";
    // The agent went away while the master was admitting it.
    if (closed) return onAgentLinkClosed(ctx, attached.agentId, attached.connectionId);
    const frames = early;
    early = [];
    for (const f of frames) receive(f);
  }

  function receive(frame: Uint8Array): void {
    let msg: internal.AgentMessage;
    let requiredChecked: boolean;
    try {
      ({ message: msg, requiredChecked } = decodeAgentMessage(frame));
    } catch (e) {
      return close(LinkClose.INVALID_FRAME, `Invalid AgentMessage: ${errorMessage(e)}`);
    }
    // As Mesos drops a message that does not parse (protobuf's IsInitialized()): a bad message, not a reason to drop the link.
    const missing = requiredChecked ? [] : missingRequiredFields(internal.AgentMessageSchema, msg);
    if (missing.length > 0) {
      const what = msg.message.case ?? "an empty message";
      return ctx.log.error(`Dropped ${what} from agent ${msg.agentId?.value}: missing required fields: ${missing.join(", ")}`);
    }
    try {
      handleAgentMessage(ctx, msg, frame);
    } catch (e) {
      ctx.log.warn(`Dropped ${msg.message.case ?? "an empty message"} from agent ${msg.agentId?.value}: ${errorMessage(e)}`);
    }
  }

  return {
    message(frame) {
      if (closed) return;
      if (frame.length > MAX_FRAME_BYTES)
        return close(LinkClose.TOO_BIG, `Frame of ${frame.length} bytes is larger than the limit of ${MAX_FRAME_BYTES} bytes`);
      // As the guard stage does for every call: only the leader listens.
      const refusal = admitLeading(ctx);
      if (refusal) return close(LinkClose.TRY_AGAIN_LATER, refusalError(refusal).rawMessage);
      if (state === "attached") return receive(frame);
      if (state === "attaching") {
        early.push(frame);
        return;
      }
      state = "attaching";
      if (turns) turns.push(() => (closed ? undefined : void attach(frame)));
      else void attach(frame);
    },
    close() {
      closed = true;
      if (attached) onAgentLinkClosed(ctx, attached.agentId, attached.connectionId);
    },
  };
}

/** AttachRequest.agent_info's field number. */
const ATTACH_AGENT_INFO_FIELD = 1;
