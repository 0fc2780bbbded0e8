/**
 * The operator API's SUBSCRIBE, shared by the Operator Connect service and `POST /api/v1`: first
 * SUBSCRIBED with the whole state (GET_STATE) and the heartbeat interval, then the master's events
 * as they happen and a HEARTBEAT every 15 s, until the subscriber goes away or is pushed out by a
 * newer one (--max_operator_event_stream_subscribers).
 */
import { clone, create } from "@bufbuild/protobuf";
import type { TimerHandle } from "@mesos/core";
import { master } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { MasterProjection } from "../read-model/master-projection.ts";
import { getState } from "./views.ts";

const OPERATOR_HEARTBEAT_INTERVAL_SECONDS = 15;

export async function* streamOperatorEvents(ctx: MasterContext, signal: AbortSignal): AsyncGenerator<master.Event> {
  const subscribed = create(master.EventSchema, {
    type: master.Event_Type.SUBSCRIBED,
    subscribed: { getState: getState(new MasterProjection(ctx)), heartbeatIntervalSeconds: OPERATOR_HEARTBEAT_INTERVAL_SECONDS },
  });
  // A copy: the snapshot must not follow the live objects it was built from.
  const events = ctx.operatorEvents.subscribe(clone(master.EventSchema, subscribed));
  let heartbeat: TimerHandle | undefined;
  const beat = () => {
    heartbeat = ctx.clock.setTimeout(() => {
      if (events.push(create(master.EventSchema, { type: master.Event_Type.HEARTBEAT }))) beat();
    }, OPERATOR_HEARTBEAT_INTERVAL_SECONDS * 1000);
  };
  beat();
  const close = () => ctx.operatorEvents.unsubscribe(events);
  signal.addEventListener("abort", close, { once: true });
  try {
    yield* events;
  } finally {
    signal.removeEventListener("abort", close);
    heartbeat?.cancel();
    close();
  }
}
