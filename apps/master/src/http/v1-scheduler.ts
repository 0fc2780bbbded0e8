/**
 * `POST /api/v1/scheduler`, Mesos's v1 scheduler HTTP API, as a thin adapter over the handlers the
 * Scheduler Connect service uses (streamSubscription, handleSchedulerCall). The checks run in
 * Mesos's order: 307/503 (not the leader), 405, 400/415 (Content-Type, body), 400 (call
 * validation), 406 (Accept, for SUBSCRIBE and RECONCILE_OPERATIONS only), then the handlers' own
 * errors (unknown framework 400, not subscribed 403, stream id 400, UNKNOWN 501).
 * SUBSCRIBE answers 200 with `Mesos-Stream-Id` and a RecordIO stream of events whose Content-Type
 * is the records' (JSON or protobuf, not recordio); every other call answers 202 with no body.
 */
import { isMesosError } from "@mesos/core";
import { scheduler } from "@mesos/proto";
import {
  emptyResponse,
  encodeMessage,
  errorResponse,
  MEDIA_TYPE_OF,
  type MessageFormat,
  negotiateAccept,
  streamResponse,
  textResponse,
} from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import { handleSchedulerCall } from "../scheduler/calls.ts";
import { STREAM_ID_HEADER, streamSubscription } from "../scheduler/scheduler-service.ts";
import { validateCall } from "../scheduler/validate-call.ts";
import { readPostedCall } from "./read-posted-call.ts";

const T = scheduler.Call_Type;
const MEDIA = { recordio: false };
/** Mesos answers 400, not 404, for a call naming an unknown framework. */
const STATUS_OVERRIDES = { not_found: 400 };

export function schedulerApi(ctx: MasterContext): (req: Request) => Promise<Response> {
  return async (req) => {
    const read = await readPostedCall(ctx, req, scheduler.CallSchema);
    if ("response" in read) return read.response;
    const call = read.call;
    try {
      validateCall(call);
    } catch (e) {
      return errorResponse(e, STATUS_OVERRIDES, isMesosError(e, "invalid") ? "Failed to validate scheduler::Call: " : "");
    }

    if (call.type === T.SUBSCRIBE || call.type === T.RECONCILE_OPERATIONS) {
      const accept = negotiateAccept(req.headers, MEDIA);
      if (!accept.ok) return accept.response;
      if (call.type === T.SUBSCRIBE) {
        if (req.headers.has(STREAM_ID_HEADER)) return textResponse(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
        return subscribe(ctx, req, call, accept.value.format);
      }
    }

    try {
      handleSchedulerCall(ctx, call, req.headers.get(STREAM_ID_HEADER) ?? undefined);
    } catch (e) {
      return errorResponse(e, STATUS_OVERRIDES);
    }
    return emptyResponse(202);
  };
}

async function subscribe(ctx: MasterContext, req: Request, call: scheduler.Call, format: MessageFormat): Promise<Response> {
  const abort = new AbortController();
  let streamId = "";
  const events = streamSubscription(ctx, call, abort.signal, (id) => (streamId = id));
  try {
    return await streamResponse(events, {
      abort,
      request: req,
      awaitFirst: true,
      encode: (event) => encodeMessage(scheduler.EventSchema, event, format),
      headers: () => ({ "Content-Type": MEDIA_TYPE_OF[format], [STREAM_ID_HEADER]: streamId }),
    });
  } catch (e) {
    return errorResponse(e, STATUS_OVERRIDES);
  }
}
