/**
 * One Mesos v1 HTTP endpoint (`POST /api/v1/scheduler` and `POST /api/v1` on the master, `POST
 * /api/v1` on the agent) in front of a service's handlers. The steps run in Mesos's order:
 *   1. the guard's admission: 307 to the leader (same path), 503 without one;
 *   2. 405 for anything but POST;
 *   3. Content-Type: 400 when missing, 415 when not spoken (application/recordio only where the
 *      service takes streamed requests);
 *   4. Accept, where the service checks it before reading the body (Mesos's agent does): 406;
 *   5. the body: 400 when it does not decode;
 *   6. the guard's checks ('type' present, the service's validation): 400 "Failed to validate
 *      X::Call: ...", 501 for a call validation calls unimplemented; the call's metrics;
 *   7. Accept, for calls whose answer has a body (on the master): 406;
 *   8. the service's dispatch, whose errors (MesosError) map to statuses once, here.
 * The services' adapters (apps/master/src/http/v1-*.ts, apps/agent/src/http/v1-agent.ts) keep only
 * their dispatch: which handler, which answer (202, a message, a RecordIO stream).
 */
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { isMesosError } from "@mesos/core";
import { type CallGuard, checkCall } from "../guard/call-guard.ts";
import { negotiateAccept, negotiateContentType, type ResponseMedia } from "./negotiate.ts";
import { type CallShortcut, tryShortcut } from "../call-shortcut.ts";
import { decodeMessage } from "./message-codec.ts";
import { readBody, readMessageStream } from "./request-body.ts";
import { errorResponse, methodNotAllowed, type StatusOverrides, textResponse } from "./responses.ts";

export interface V1Request<Call> {
  call: Call;
  /** A streamed (application/recordio) request: every call, the first included, as they arrive. */
  calls?: AsyncIterable<Call>;
  /** How to answer, when negotiated (always with `acceptFirst`; else for calls `answers` names). */
  media?: ResponseMedia;
  request: Request;
  /**
   * Aborted when the client goes away during dispatch (or dispatch fails). A streamed answer
   * hands it to streamResponse, which aborts it when the stream ends.
   */
  abort: AbortController;
}

export interface V1EndpointOptions<Desc extends DescMessage> {
  /** The service's guard stage; its `callSchema` is what the body decodes as. */
  guard: CallGuard<Desc> & { callSchema: Desc };
  /** The endpoint also speaks application/recordio (streamed requests and answers: the agent API). */
  recordio?: boolean;
  /** Negotiate Accept before reading the body (Mesos's agent order) rather than after the checks. */
  acceptFirst?: boolean;
  /** Calls whose answer needs a negotiated media type (default: every call). */
  answers?(call: MessageShape<Desc>): boolean;
  /** Where Mesos answers a kind of error with another status than the usual one. */
  statusOverrides?: StatusOverrides;
  dispatch(request: V1Request<MessageShape<Desc>>): Response | Promise<Response>;
  /** A hand-served form of some calls whose answer needs no negotiated media (call-shortcut.ts): protobuf bodies go to it first, once admitted and read. */
  shortcut?: CallShortcut<Response>;
}

async function* startingWith<X>(first: X, rest: AsyncIterable<X>): AsyncGenerator<X> {
  yield first;
  yield* rest;
}

export function v1Endpoint<Desc extends DescMessage>(options: V1EndpointOptions<Desc>): (req: Request) => Promise<Response> {
  const { guard } = options;
  const media = { recordio: options.recordio ?? false };
  const validationPrefix = `Failed to validate ${guard.callName ?? guard.callSchema.typeName}: `;
  return async (req) => {
    const refusal = guard.admit?.();
    if (refusal) {
      if ("unavailable" in refusal) return textResponse(503, refusal.unavailable);
      const url = new URL(req.url);
      return new Response(null, { status: 307, headers: { Location: `${refusal.redirectTo}${url.pathname}${url.search}` } });
    }
    if (req.method !== "POST") return methodNotAllowed(req.method);
    const content = negotiateContentType(req.headers, media);
    if (!content.ok) return content.response;
    let accept: ResponseMedia | undefined;
    if (options.acceptFirst) {
      const negotiated = negotiateAccept(req.headers, media);
      if (!negotiated.ok) return negotiated.response;
      accept = negotiated.value;
    }

    let call: MessageShape<Desc>;
    let calls: AsyncIterable<MessageShape<Desc>> | undefined;
    try {
      if (content.value.streaming) {
        const stream = await readMessageStream(req, guard.callSchema, content.value.format);
        call = stream.first;
        calls = startingWith(stream.first, stream.rest);
      } else {
        const bytes = await readBody(req);
        const served = content.value.format === "protobuf" ? tryShortcut(options.shortcut, bytes, req.headers) : undefined;
        // Its errors are the dispatch's (below).
        if (served) return await served.catch((e) => errorResponse(e, options.statusOverrides));
        call = decodeMessage(guard.callSchema, bytes, content.value.format);
      }
    } catch (e) {
      return errorResponse(e);
    }
    try {
      checkCall(guard, call);
    } catch (e) {
      return errorResponse(e, options.statusOverrides, isMesosError(e, "invalid") ? validationPrefix : "");
    }
    if (!accept && (options.answers?.(call) ?? true)) {
      const negotiated = negotiateAccept(req.headers, media);
      if (!negotiated.ok) return negotiated.response;
      accept = negotiated.value;
    }

    const abort = new AbortController();
    const onAbort = () => abort.abort();
    req.signal.addEventListener("abort", onAbort, { once: true });
    if (req.signal.aborted) abort.abort();
    try {
      return await options.dispatch({ call, calls, media: accept, request: req, abort });
    } catch (e) {
      abort.abort();
      return errorResponse(e, options.statusOverrides);
    } finally {
      req.signal.removeEventListener("abort", onAbort);
    }
  };
}
