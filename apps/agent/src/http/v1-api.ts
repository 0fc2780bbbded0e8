/**
 * `POST /api/v1` on the agent: Mesos's v1 agent HTTP API as a thin adapter over plain call
 * handlers, with the agent API's content negotiation. Requests are JSON or protobuf, or
 * `application/recordio` (records in `Message-Content-Type`) for ATTACH_CONTAINER_INPUT only (415
 * otherwise, and 415 if that call is not streamed). Answers are JSON or protobuf as Accept allows,
 * or `application/recordio` (records in `Message-Accept`, JSON by default) for
 * LAUNCH_NESTED_CONTAINER_SESSION and ATTACH_CONTAINER_OUTPUT only (406 otherwise); those two
 * stream their answer as RecordIO records whatever the Content-Type. Handler errors (MesosError)
 * become statuses: invalid 400, not_found 404, conflict 409, internal 500, unimplemented 501, ...
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { agent } from "@mesos/proto";
import {
  emptyResponse,
  encodeMessage,
  errorResponse,
  MEDIA_TYPE_OF,
  MESSAGE_CONTENT_TYPE,
  messageResponse,
  methodNotAllowed,
  negotiateAccept,
  negotiateContentType,
  readMessage,
  readMessageStream,
  type ResponseMedia,
  streamResponse,
  textResponse,
} from "@mesos/rpc";

/** A bare 202 Accepted: nothing to answer (e.g. the container already exists). */
export const ACCEPTED = "accepted";
/** What a call answers: a Response (200 with it as the body; one without a type: 200, no body), or 202. */
export type AgentCallReply = agent.Response | typeof ACCEPTED;

/**
 * The agent's calls, as plain functions. `signal` aborts when the client goes away (a session
 * container must then be destroyed). Throw MesosError for an error status.
 */
export interface AgentCallHandler {
  /** Every call that is neither streamed in nor out. */
  call(call: agent.Call, signal: AbortSignal): AgentCallReply | Promise<AgentCallReply>;
  /**
   * LAUNCH_NESTED_CONTAINER_SESSION and ATTACH_CONTAINER_OUTPUT: the container's output. Resolve
   * once the call is accepted (reject for an error status) with the stream, or ACCEPTED for 202
   * without a stream. A bare async iterable also works: its first item is awaited before answering,
   * so errors it throws at once still become statuses.
   */
  callOutputStream?(
    call: agent.Call,
    signal: AbortSignal,
  ): AsyncIterable<agent.ProcessIO> | Promise<AsyncIterable<agent.ProcessIO> | typeof ACCEPTED>;
  /**
   * ATTACH_CONTAINER_INPUT: the first call (attach_container_input of type CONTAINER_ID) and then
   * every later one, as the client sends them; the answer is sent when this resolves.
   */
  callInputStream?(calls: AsyncIterable<agent.Call>, signal: AbortSignal): Promise<AgentCallReply>;
}

const T = agent.Call_Type;
const MEDIA = { recordio: true };
const STREAMED_OUT = new Set([T.LAUNCH_NESTED_CONTAINER_SESSION, T.ATTACH_CONTAINER_OUTPUT]);

async function* startingWith<X>(first: X, rest: AsyncIterable<X>): AsyncGenerator<X> {
  yield first;
  yield* rest;
}

function reply(result: AgentCallReply, media: ResponseMedia): Response {
  if (result === ACCEPTED) return emptyResponse(202);
  if (!isFieldSet(result, agent.ResponseSchema.field.type!)) return emptyResponse(200);
  return messageResponse(agent.ResponseSchema, result, media.format);
}

export function agentApi(handler: AgentCallHandler): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== "POST") return methodNotAllowed(req.method);
    const content = negotiateContentType(req.headers, MEDIA);
    if (!content.ok) return content.response;
    const accept = negotiateAccept(req.headers, MEDIA);
    if (!accept.ok) return accept.response;

    let call: agent.Call;
    let calls: AsyncIterable<agent.Call> | undefined;
    try {
      if (content.value.streaming) {
        const stream = await readMessageStream(req, agent.CallSchema, content.value.format);
        call = stream.first;
        calls = startingWith(stream.first, stream.rest);
      } else {
        call = await readMessage(req, agent.CallSchema, content.value.format);
      }
    } catch (e) {
      return errorResponse(e);
    }
    if (!isFieldSet(call, agent.CallSchema.field.type!)) return textResponse(400, "Failed to validate agent::Call: Expecting 'type' to be present");
    const name = T[call.type] ?? String(call.type);
    if (calls && call.type !== T.ATTACH_CONTAINER_INPUT) {
      return textResponse(415, `Streaming 'Content-Type' application/recordio is not supported for ${name} call`);
    }
    if (!calls && call.type === T.ATTACH_CONTAINER_INPUT) {
      return textResponse(415, `Expecting 'Content-Type' to be application/recordio for ${name} call`);
    }
    if (accept.value.streaming && !STREAMED_OUT.has(call.type)) return textResponse(406, `Streaming response is not supported for ${name} call`);
    if (call.type === T.UNKNOWN) return textResponse(501, "Received an UNKNOWN call");

    const abort = new AbortController();
    const onAbort = () => abort.abort();
    req.signal.addEventListener("abort", onAbort, { once: true });
    if (req.signal.aborted) abort.abort();
    try {
      if (calls) {
        if (!handler.callInputStream) return textResponse(501, `${name} is not supported yet`);
        return reply(await handler.callInputStream(calls, abort.signal), accept.value);
      }
      if (STREAMED_OUT.has(call.type)) {
        if (!handler.callOutputStream) return textResponse(501, `${name} is not supported yet`);
        return await outputStream(req, handler.callOutputStream(call, abort.signal), accept.value, abort);
      }
      return reply(await handler.call(call, abort.signal), accept.value);
    } catch (e) {
      abort.abort();
      return errorResponse(e);
    } finally {
      req.signal.removeEventListener("abort", onAbort);
    }
  };
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
