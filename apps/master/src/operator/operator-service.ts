/** The Operator Connect service: every call unary, SUBSCRIBE as a server stream of events. */
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { invalid } from "@mesos/core";
import { master } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { handleOperatorCall } from "./operator-calls.ts";
import { streamOperatorEvents } from "./operator-subscribe.ts";

export function operatorService(ctx: MasterContext) {
  return (router: ConnectRouter) =>
    router.service(master.Operator, {
      call: (call: master.Call) => handleOperatorCall(ctx, call),
      subscribe(call: master.Call, hc: HandlerContext) {
        if (call.type !== master.Call_Type.SUBSCRIBE) throw invalid("Expecting a SUBSCRIBE call");
        return streamOperatorEvents(ctx, hc.signal);
      },
    });
}
