/**
 * The master's v1 operator calls (`POST /api/v1` and the Operator Connect service): one handler,
 * shared by both transports.
 */
import { create } from "@bufbuild/protobuf";
import { invalid, MESOS_VERSION, unimplemented, VERSION_TEXT } from "@mesos/core";
import { master } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { getAgents, getFrameworks, getRoles, getState, getTasks } from "./views.ts";
import { getOperations, markGone, operatorOperation } from "../operations/operator-operations.ts";
import { getQuota, removeQuota, setQuota, updateQuota } from "../quota/quota-calls.ts";
import { getWeights, updateWeights } from "../quota/weights.ts";

const T = master.Call_Type;
const R = master.Response_Type;
/** Calls that change something answer with no payload (the HTTP API's 202 Accepted). */
const ACCEPTED = create(master.ResponseSchema);

function required<T>(payload: T | undefined, field: string): T {
  if (payload === undefined) throw invalid(`Expecting '${field}' to be present`);
  return payload;
}

export function handleOperatorCall(ctx: MasterContext, call: master.Call): master.Response {
  switch (call.type) {
    case T.GET_HEALTH:
      return create(master.ResponseSchema, { type: R.GET_HEALTH, getHealth: { healthy: true } });
    case T.GET_VERSION:
      return create(master.ResponseSchema, {
        type: R.GET_VERSION,
        getVersion: { versionInfo: { version: MESOS_VERSION, buildUser: VERSION_TEXT, buildDate: process.env.MESOS_BUILD_TIME ?? "" } },
      });
    case T.GET_FLAGS:
      return create(master.ResponseSchema, {
        type: R.GET_FLAGS,
        getFlags: { flags: Object.entries(ctx.effectiveFlags).map(([name, value]) => ({ name, value })) },
      });
    case T.GET_METRICS:
      return create(master.ResponseSchema, {
        type: R.GET_METRICS,
        getMetrics: { metrics: Object.entries(ctx.metrics.snapshot()).map(([name, value]) => ({ name, value })) },
      });
    case T.GET_STATE:
      return create(master.ResponseSchema, { type: R.GET_STATE, getState: getState(ctx) });
    case T.GET_AGENTS:
      return create(master.ResponseSchema, { type: R.GET_AGENTS, getAgents: getAgents(ctx) });
    case T.GET_FRAMEWORKS:
      return create(master.ResponseSchema, { type: R.GET_FRAMEWORKS, getFrameworks: getFrameworks(ctx) });
    case T.GET_TASKS:
      return create(master.ResponseSchema, { type: R.GET_TASKS, getTasks: getTasks(ctx) });
    case T.GET_ROLES:
      return create(master.ResponseSchema, { type: R.GET_ROLES, getRoles: getRoles(ctx) });
    case T.GET_MASTER:
      return create(master.ResponseSchema, {
        type: R.GET_MASTER,
        getMaster: { masterInfo: ctx.info, startTime: ctx.startTime / 1000, electedTime: ctx.startTime / 1000 },
      });
    case T.GET_QUOTA:
      return create(master.ResponseSchema, { type: R.GET_QUOTA, getQuota: { status: getQuota(ctx) } });
    case T.SET_QUOTA:
      setQuota(ctx, required(call.setQuota, "set_quota"));
      return ACCEPTED;
    case T.REMOVE_QUOTA:
      removeQuota(ctx, required(call.removeQuota, "remove_quota"));
      return ACCEPTED;
    case T.UPDATE_QUOTA:
      updateQuota(ctx, required(call.updateQuota, "update_quota"));
      return ACCEPTED;
    case T.GET_WEIGHTS:
      return create(master.ResponseSchema, { type: R.GET_WEIGHTS, getWeights: getWeights(ctx) });
    case T.UPDATE_WEIGHTS:
      updateWeights(ctx, required(call.updateWeights, "update_weights"));
      return ACCEPTED;
    case T.GET_OPERATIONS:
      return create(master.ResponseSchema, { type: R.GET_OPERATIONS, getOperations: getOperations(ctx) });
    case T.RESERVE_RESOURCES:
    case T.UNRESERVE_RESOURCES:
    case T.CREATE_VOLUMES:
    case T.DESTROY_VOLUMES:
    case T.GROW_VOLUME:
    case T.SHRINK_VOLUME:
      operatorOperation(ctx, call);
      return ACCEPTED;
    case T.MARK_AGENT_GONE:
      markGone(ctx, call);
      return ACCEPTED;
    case T.UNKNOWN:
      throw invalid("Expecting 'type' to be present");
    default:
      throw unimplemented(`Operator call ${T[call.type] ?? call.type} is not supported yet`);
  }
}
