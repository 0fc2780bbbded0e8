/**
 * The agent API's guard stage, applied to the Connect service (as an interceptor) and to
 * `POST /api/v1` alike: a call needs a type; the handlers check the rest.
 */
import { agent } from "@mesos/proto";
import type { CallGuard } from "@mesos/rpc";

export const agentGuard: CallGuard<typeof agent.CallSchema> & { callSchema: typeof agent.CallSchema } = {
  service: agent.Agent.typeName,
  callSchema: agent.CallSchema,
  callName: "agent::Call",
};
