/**
 * `POST /api/v1/scheduler`, Mesos's v1 scheduler HTTP API: the shared v1 endpoint (@mesos/rpc:
 * admission 307/503, 405, 400/415, body, the scheduler's guard stage 400/501, 406 for SUBSCRIBE
 * and RECONCILE_OPERATIONS only) over the handlers the Scheduler Connect service uses. Then the
 * handlers' own errors: unknown framework 400 (not 404, as in Mesos), not subscribed 403, stream id 400.
 * SUBSCRIBE answers 200 with `Mesos-Stream-Id` and a RecordIO stream of events whose Content-Type
 * is the records' (JSON or protobuf, not recordio); every other call answers 202 with no body.
 */
import { scheduler } from "@mesos/proto";
import { type CallShortcut, emptyResponse, encodeMessage, encodeShared, MEDIA_TYPE_OF, streamResponse, textResponse, v1Endpoint } from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import type { MasterGuards } from "../guards.ts";
import { handleSchedulerCall } from "../scheduler/calls.ts";
import { STREAM_ID_HEADER, streamSubscription } from "../scheduler/scheduler-service.ts";

const T = scheduler.Call_Type;

/** `shortcut`: calls served by hand (scheduler/acknowledge-shortcut.ts), answered 202 as the others. */
export function schedulerApi(ctx: MasterContext, guards: MasterGuards, shortcut?: CallShortcut): (req: Request) => Promise<Response> {
  return v1Endpoint({
    guard: guards.scheduler,
    shortcut: shortcut && ((body, header) => shortcut(body, header)?.then(() => emptyResponse(202))),
    answers: (call) => call.type === T.SUBSCRIBE || call.type === T.RECONCILE_OPERATIONS,
    statusOverrides: { not_found: 400 },
    dispatch({ call, media, request, abort }) {
      if (call.type !== T.SUBSCRIBE) {
        const committed = handleSchedulerCall(ctx, call, request.headers.get(STREAM_ID_HEADER) ?? undefined);
        return committed ? committed.then(() => emptyResponse(202)) : emptyResponse(202);
      }
      if (request.headers.has(STREAM_ID_HEADER)) return textResponse(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
      const format = media!.format;
      let streamId = "";
      return streamResponse(
        streamSubscription(ctx, call, abort.signal, (id) => (streamId = id)),
        {
          abort,
          request,
          awaitFirst: true,
          // An event's protobuf bytes may be made already (an UPDATE relaying the agent's status, OFFERS written by hand).
          encode: (event) =>
            format === "protobuf"
              ? encodeShared(event, "protobuf", () => encodeMessage(scheduler.EventSchema, event, format))
              : encodeMessage(scheduler.EventSchema, event, format),
          headers: () => ({ "Content-Type": MEDIA_TYPE_OF[format], [STREAM_ID_HEADER]: streamId }),
        },
      );
    },
  });
}
