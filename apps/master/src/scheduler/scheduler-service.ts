/** The Scheduler Connect service: SUBSCRIBE as a server stream, every other call unary. */
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { onSubscriptionClosed, subscribe } from "../frameworks/subscribe.ts";
import { handleSchedulerCall } from "./calls.ts";

export const STREAM_ID_HEADER = "Mesos-Stream-Id";

/** Streams a subscription's events until either side ends it. */
export async function* streamSubscription(ctx: MasterContext, call: scheduler.Call, signal: AbortSignal, onStreamId: (id: string) => void) {
  const { streamId, events, framework } = subscribe(ctx, call);
  onStreamId(streamId);
  if (!framework) {
    yield* events;
    return;
  }
  const close = () => onSubscriptionClosed(ctx, framework.id, streamId);
  signal.addEventListener("abort", close, { once: true });
  try {
    yield* events;
  } finally {
    signal.removeEventListener("abort", close);
    close();
  }
}

export function schedulerService(ctx: MasterContext) {
  return (router: ConnectRouter) =>
    router.service(scheduler.Scheduler, {
      subscribe(call: scheduler.Call, hc: HandlerContext) {
        return streamSubscription(ctx, call, hc.signal, (id) => hc.responseHeader.set(STREAM_ID_HEADER, id));
      },
      call(call: scheduler.Call, hc: HandlerContext) {
        const committed = handleSchedulerCall(ctx, call, hc.requestHeader.get(STREAM_ID_HEADER) ?? undefined);
        return committed ? committed.then(() => create(scheduler.CallAcceptedSchema)) : create(scheduler.CallAcceptedSchema);
      },
    });
}
