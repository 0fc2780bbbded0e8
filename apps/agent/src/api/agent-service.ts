/**
 * The `mesos.v1.agent.Agent` Connect service over the agent's call handler (the same one
 * `POST /api/v1` wraps): `Call` (unary), `CallOutputStream` (server stream of ProcessIO) and
 * `CallInputStream` (client stream of Call). Client streaming works over HTTP/1.1 (Bun.serve with
 * a streaming request body): use a connect-node transport with `httpVersion: "1.1"`; a browser's
 * fetch cannot stream a request. ACCEPTED (HTTP 202 in the v1 HTTP API) is an empty Response, or a
 * stream that ends at once.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { agent } from "@mesos/proto";
import { ACCEPTED, type AgentCallHandler, type AgentCallReply } from "./agent-call-handler.ts";

const toResponse = (r: AgentCallReply) => (r === ACCEPTED ? create(agent.ResponseSchema, {}) : r);

export function agentService(handler: AgentCallHandler) {
  return (router: ConnectRouter) =>
    router.service(agent.Agent, {
      call: async (call, context) => toResponse(await handler.call(call, context.signal)),
      async *callOutputStream(call, context) {
        if (!handler.callOutputStream) return;
        const r = await handler.callOutputStream(call, context.signal);
        if (r !== ACCEPTED) yield* r;
      },
      callInputStream: async (calls, context) =>
        toResponse(handler.callInputStream ? await handler.callInputStream(calls, context.signal) : ACCEPTED),
    });
}
