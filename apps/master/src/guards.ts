/**
 * The master's guard stages, one per service, applied to the Connect services (as an interceptor)
 * and to the v1 HTTP API alike: every call is refused unless this master leads; scheduler calls
 * are validated (validate-call.ts) and counted as `master/messages_<call>`; operator calls need a
 * type and the payload it takes (validate-operator-call.ts). The agent link (agent-link-session.ts) admits the same way.
 */
import { master, scheduler } from "@mesos/proto";
import type { CallGuard } from "@mesos/rpc";
import type { MasterContext } from "./context.ts";
import { admitLeading } from "./leadership.ts";
import { validateOperatorCall } from "./operator/validate-operator-call.ts";
import { validateCall } from "./scheduler/validate-call.ts";

export interface MasterGuards {
  scheduler: CallGuard<typeof scheduler.CallSchema> & { callSchema: typeof scheduler.CallSchema };
  operator: CallGuard<typeof master.CallSchema> & { callSchema: typeof master.CallSchema };
}

export function masterGuards(ctx: MasterContext): MasterGuards {
  const admit = () => admitLeading(ctx);
  const T = scheduler.Call_Type;
  return {
    scheduler: {
      service: scheduler.Scheduler.typeName,
      callSchema: scheduler.CallSchema,
      callName: "scheduler::Call",
      admit,
      validate: validateCall,
      counter: (call) => (call.type === T.SUBSCRIBE ? undefined : schedulerCallCounter(call.type)),
      metrics: ctx.metrics,
    },
    operator: { service: master.Operator.typeName, callSchema: master.CallSchema, callName: "master::Call", admit, validate: validateOperatorCall },
  };
}

/** The counter of a scheduler call other than SUBSCRIBE, as Mesos names it. */
export function schedulerCallCounter(type: scheduler.Call_Type): string {
  return `master/messages_${scheduler.Call_Type[type]!.toLowerCase()}`;
}
