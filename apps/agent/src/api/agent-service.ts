/**
 * The `mesos.v1.agent.Agent` Connect service over the call handlers: `Call` (unary),
 * `CallOutputStream` (server stream of ProcessIO) and `CallInputStream` (client stream of Call).
 * Client streaming works over HTTP/1.1 (Bun.serve with a streaming request body): use a
 * connect-node transport with `httpVersion: "1.1"`; browsers' fetch cannot stream a request.
 * A call answered `accepted` (HTTP 202 in the v1 HTTP API) is an empty Response, or a stream that
 * ends at once.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { agent } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import { handleAgentCall, handleAgentInputCall, handleAgentOutputCall } from "./agent-calls.ts";

export function agentService(ctx: AgentContext) {
  return (router: ConnectRouter) =>
    router.service(agent.Agent, {
      async call(call) {
        const r = await handleAgentCall(ctx, call);
        return r.kind === "response" ? r.response : create(agent.ResponseSchema, {});
      },
      async *callOutputStream(call, context) {
        const r = await handleAgentOutputCall(ctx, call, context.signal);
        if (r.kind === "stream") yield* r.stream;
      },
      async callInputStream(calls) {
        const r = await handleAgentInputCall(ctx, calls);
        return r.kind === "response" ? r.response : create(agent.ResponseSchema, {});
      },
    });
}
