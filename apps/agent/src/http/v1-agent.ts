/**
 * `POST /api/v1` on the agent, Mesos's v1 agent HTTP API: the shared v1 endpoint (@mesos/rpc:
 * 405, 400/415, then Accept before the body as Mesos's agent does (406), body, 400 without a type)
 * over the agent's call handler, with the agent API's own media rules. Requests are JSON or
 * protobuf, or `application/recordio` (records in `Message-Content-Type`) for ATTACH_CONTAINER_INPUT
 * only (415 otherwise, and 415 if that call is not streamed). Answers are JSON or protobuf as Accept
 * allows, or `application/recordio` (records in `Message-Accept`, JSON by default) for
 * LAUNCH_NESTED_CONTAINER_SESSION and ATTACH_CONTAINER_OUTPUT only (406 otherwise); those two
 * stream their answer as RecordIO records whatever the Content-Type. Handler errors (MesosError)
 * become statuses: invalid 400, not_found 404, conflict 409, internal 500, unimplemented 501, ...
 */
import { isFieldSet } from "@bufbuild/protobuf";
import type { CallGuard } from "@mesos/rpc";
import { agent } from "@mesos/proto";
import {
  emptyResponse,
  encodeMessage,
  MEDIA_TYPE_OF,
  MESSAGE_CONTENT_TYPE,
  messageResponse,
  type ResponseMedia,
  streamResponse,
  textResponse,
  v1Endpoint,
} from "@mesos/rpc";
import { ACCEPTED, type AgentCallHandler, type AgentCallReply } from "../api/agent-call-handler.ts";
import { agentGuard } from "../api/agent-guard.ts";

const T = agent.Call_Type;
const STREAMED_OUT = new Set([T.LAUNCH_NESTED_CONTAINER_SESSION, T.ATTACH_CONTAINER_OUTPUT]);

function reply(result: AgentCallReply, media: ResponseMedia): Response {
  if (result === ACCEPTED) return emptyResponse(202);
  if (!isFieldSet(result, agent.ResponseSchema.field.type!)) return emptyResponse(200);
  return messageResponse(agent.ResponseSchema, result, media.format);
}

export function agentApi(
  handler: AgentCallHandler,
  guard: CallGuard<typeof agent.CallSchema> & { callSchema: typeof agent.CallSchema } = agentGuard,
): (req: Request) => Promise<Response> {
  return v1Endpoint({
    guard,
    recordio: true,
    acceptFirst: true,
    async dispatch({ call, calls, media, request, abort }) {
      const accept = media!;
      const name = T[call.type] ?? String(call.type);
      if (calls && call.type !== T.ATTACH_CONTAINER_INPUT) {
        return textResponse(415, `Streaming 'Content-Type' application/recordio is not supported for ${name} call`);
      }
      if (!calls && call.type === T.ATTACH_CONTAINER_INPUT) {
        return textResponse(415, `Expecting 'Content-Type' to be application/recordio for ${name} call`);
      }
      if (accept.streaming && !STREAMED_OUT.has(call.type)) return textResponse(406, `Streaming response is not supported for ${name} call`);
      if (calls) {
        if (!handler.callInputStream) return textResponse(501, `${name} is not supported yet`);
        return reply(await handler.callInputStream(calls, abort.signal), accept);
      }
      if (STREAMED_OUT.has(call.type)) {
        if (!handler.callOutputStream) return textResponse(501, `${name} is not supported yet`);
        return await outputStream(request, handler.callOutputStream(call, abort.signal), accept, abort);
      }
      return reply(await handler.call(call, abort.signal), accept);
    },
  });
}

async function outputStream(
  req: Request,
  result: AsyncIterable<agent.ProcessIO> | Promise<AsyncIterable<agent.ProcessIO> | typeof ACCEPTED>,
  media: ResponseMedia,
  abort: AbortController,
): Promise<Response> {
  const settled = result instanceof Promise;
  const source = await result;
  if (source === ACCEPTED) return emptyResponse(202);
  return streamResponse(source, {
    abort,
    request: req,
    awaitFirst: !settled,
    encode: (record) => encodeMessage(agent.ProcessIOSchema, record, media.format),
    headers: () => ({
      "Content-Type": media.mediaType,
      ...(media.streaming ? { [MESSAGE_CONTENT_TYPE]: MEDIA_TYPE_OF[media.format] } : {}),
    }),
  });
}
