/**
 * `POST /api/v1` on the master, Mesos's v1 operator HTTP API, as a thin adapter over the handlers
 * the Operator Connect service uses (handleOperatorCall, streamOperatorEvents). Checks in Mesos's
 * order: 307/503, 405, 400/415 (Content-Type, body), 400 (no type), 406 (Accept), 501 (UNKNOWN),
 * then the handler's own errors. A call with an answer gets it (200, JSON or protobuf as accepted);
 * a call that only acts gets 202 (or 200 where Mesos answers 200); SUBSCRIBE gets a RecordIO
 * stream of events.
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { master } from "@mesos/proto";
import {
  emptyResponse,
  encodeMessage,
  errorResponse,
  messageResponse,
  negotiateAccept,
  type ResponseMedia,
  streamResponse,
  textResponse,
} from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { handleOperatorCall } from "../operator/operator-calls.ts";
import { streamOperatorEvents } from "../operator/operator-subscribe.ts";
import { readPostedCall } from "./read-posted-call.ts";

const T = master.Call_Type;
const MEDIA = { recordio: false };
/** Calls Mesos answers with a bare 200 (the other calls without an answer get 202 Accepted). */
const ANSWERED_OK = new Set([
  T.SET_LOGGING_LEVEL,
  T.UPDATE_WEIGHTS,
  T.UPDATE_MAINTENANCE_SCHEDULE,
  T.START_MAINTENANCE,
  T.STOP_MAINTENANCE,
  T.SET_QUOTA,
  T.REMOVE_QUOTA,
  T.TEARDOWN,
  T.MARK_AGENT_GONE,
]);

export function operatorApi(ctx: MasterContext): (req: Request) => Promise<Response> {
  return async (req) => {
    const read = await readPostedCall(ctx, req, master.CallSchema);
    if ("response" in read) return read.response;
    const call = read.call;
    if (!isFieldSet(call, master.CallSchema.field.type!)) return textResponse(400, "Failed to validate master::Call: Expecting 'type' to be present");
    const accept = negotiateAccept(req.headers, MEDIA);
    if (!accept.ok) return accept.response;
    if (call.type === T.UNKNOWN) return textResponse(501, "Received an UNKNOWN call");
    if (call.type === T.SUBSCRIBE) return subscribe(ctx, req, accept.value);

    try {
      const response = await handleOperatorCall(ctx, call);
      if (isFieldSet(response, master.ResponseSchema.field.type!)) return messageResponse(master.ResponseSchema, response, accept.value.format);
      return emptyResponse(ANSWERED_OK.has(call.type) ? 200 : 202);
    } catch (e) {
      return errorResponse(e);
    }
  };
}

function subscribe(ctx: MasterContext, req: Request, media: ResponseMedia): Promise<Response> {
  const abort = new AbortController();
  return streamResponse(streamOperatorEvents(ctx, abort.signal), {
    abort,
    request: req,
    awaitFirst: true,
    encode: (event) => encodeMessage(master.EventSchema, event, media.format),
    headers: () => ({ "Content-Type": media.mediaType }),
  });
}
