/**
 * The agent's v1 calls about the agent itself, answered with one message: health, flags, version,
 * the agent's info and its state. The container calls are in container-calls.ts and attach.ts;
 * agent-calls.ts routes between them.
 */
import { create } from "@bufbuild/protobuf";
import { versionInfo } from "@mesos/core";
import { agent } from "@mesos/proto";
import type { AgentContext } from "../context.ts";
import { summarize } from "../projection/summaries.ts";
import { getExecutors, getFrameworks, getState, getTasks } from "../projection/v1.ts";

const T = agent.Call_Type;
const R = agent.Response_Type;

/** The answer, or undefined for a call that is not about the agent itself. */
export function handleInfoCall(ctx: AgentContext, call: agent.Call): agent.Response | undefined {
  switch (call.type) {
    case T.GET_HEALTH:
      return create(agent.ResponseSchema, { type: R.GET_HEALTH, getHealth: { healthy: true } });
    case T.GET_FLAGS:
      return create(agent.ResponseSchema, {
        type: R.GET_FLAGS,
        getFlags: { flags: Object.entries(ctx.effectiveFlags).map(([name, value]) => ({ name, value })) },
      });
    case T.GET_VERSION:
      return create(agent.ResponseSchema, {
        type: R.GET_VERSION,
        getVersion: { versionInfo: versionInfo() },
      });
    case T.GET_AGENT:
      return create(agent.ResponseSchema, { type: R.GET_AGENT, getAgent: { agentInfo: ctx.info } });
    case T.GET_STATE:
      return create(agent.ResponseSchema, { type: R.GET_STATE, getState: getState(summarize(ctx)) });
    case T.GET_FRAMEWORKS:
      return create(agent.ResponseSchema, { type: R.GET_FRAMEWORKS, getFrameworks: getFrameworks(summarize(ctx)) });
    case T.GET_EXECUTORS:
      return create(agent.ResponseSchema, { type: R.GET_EXECUTORS, getExecutors: getExecutors(summarize(ctx)) });
    case T.GET_TASKS:
      return create(agent.ResponseSchema, { type: R.GET_TASKS, getTasks: getTasks(summarize(ctx)) });
    default:
      return undefined;
  }
}
