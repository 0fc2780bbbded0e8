/** The Operator Connect service (SUBSCRIBE, left out for now, answers Unimplemented). */
import type { ConnectRouter } from "@connectrpc/connect";
import { master } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { handleOperatorCall } from "./operator-calls.ts";

export function operatorService(ctx: MasterContext) {
  return (router: ConnectRouter) =>
    router.service(master.Operator, {
      call: (call: master.Call) => handleOperatorCall(ctx, call),
    });
}
