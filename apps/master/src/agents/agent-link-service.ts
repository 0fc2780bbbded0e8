/** The AgentLink Connect service: agents attach (a server stream) and send (unary). */
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { internal } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { handleAgentMessage } from "./agent-messages.ts";
import { attachAgent, onAgentLinkClosed } from "./attach.ts";

export function agentLinkService(ctx: MasterContext) {
  return (router: ConnectRouter) =>
    router.service(internal.AgentLink, {
      async *attach(req: internal.AttachRequest, hc: HandlerContext) {
        const { agent, connectionId, messages } = await attachAgent(ctx, req);
        const close = () => onAgentLinkClosed(ctx, agent.id, connectionId);
        hc.signal.addEventListener("abort", close, { once: true });
        try {
          yield* messages;
        } finally {
          hc.signal.removeEventListener("abort", close);
          close();
        }
      },
      send(msg: internal.AgentMessage) {
        handleAgentMessage(ctx, msg);
        return create(internal.SendReplySchema);
      },
    });
}
