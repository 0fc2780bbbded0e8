/**
 * `POST /api/v1` on the master, Mesos's v1 operator HTTP API: the shared v1 endpoint (@mesos/rpc:
 * admission 307/503, 405, 400/415, body, 400 without a type, 406) over the handlers the Operator
 * Connect service uses. A call with an answer gets it (200, JSON or protobuf as accepted); a call
 * that only acts gets 202 (or 200 where Mesos answers 200); UNKNOWN and calls not supported get
 * 501; SUBSCRIBE gets a RecordIO stream of events.
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { master } from "@mesos/proto";
import { emptyResponse, encodeMessage, encodeShared, messageResponse, streamResponse, v1Endpoint } from "@mesos/rpc";
import type { MasterContext } from "../context.ts";
import type { MasterGuards } from "../guards.ts";
import { handleOperatorCall } from "../operator/operator-calls.ts";
import { encodeStateResponse } from "../operator/state-encoding.ts";
import { streamOperatorEvents } from "../operator/operator-subscribe.ts";
import { batchedRead } from "../read-model/batched-reads.ts";
import { MasterProjection } from "../read-model/master-projection.ts";

const T = master.Call_Type;
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

export function operatorApi(ctx: MasterContext, guards: MasterGuards): (req: Request) => Promise<Response> {
  return v1Endpoint({
    guard: guards.operator,
    async dispatch({ call, media, request, abort }) {
      const { format, mediaType } = media!;
      if (call.type === T.SUBSCRIBE) {
        return streamResponse(streamOperatorEvents(ctx, abort.signal), {
          abort,
          request,
          awaitFirst: true,
          encode: (event) =>
            encodeShared(event, format === "protobuf" ? "protobuf" : "mesos-json", () => encodeMessage(master.EventSchema, event, format)),
          headers: () => ({ "Content-Type": mediaType }),
        });
      }
      if (call.type === T.GET_STATE) {
        // Concurrent readers share the encoding too: at scale it costs more than the state itself.
        const body = await batchedRead(ctx, `GET_STATE ${format}`, () => encodeStateResponse(new MasterProjection(ctx), format));
        return body.response(mediaType);
      }
      const response = await handleOperatorCall(ctx, call);
      if (isFieldSet(response, master.ResponseSchema.field.type!)) return messageResponse(master.ResponseSchema, response, format);
      return emptyResponse(ANSWERED_OK.has(call.type) ? 200 : 202);
    },
  });
}
