/**
 * The master's v1 operator calls (`POST /api/v1` and the Operator Connect service): one table,
 * shared by both transports. A call that answers returns a Response with its type set; a call that
 * only acts returns ACCEPTED (an empty Response; HTTP 202, or 200 where Mesos answers 200). Adding
 * a call is one entry here.
 */
import { create, isFieldSet, type MessageInitShape } from "@bufbuild/protobuf";
import { listFilesV1, readFileV1 } from "@mesos/rpc";
import { invalid, unimplemented, versionInfo } from "@mesos/core";
import { master } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import { teardownFramework } from "../frameworks/remove-framework.ts";
import { maintenanceStatus, startMaintenance, stopMaintenance, updateMaintenanceSchedule } from "../maintenance/maintenance-calls.ts";
import { getOperations, markGone, operatorOperation } from "../operations/operator-operations.ts";
import { getQuota, removeQuota, setQuota, updateQuota } from "../quota/quota-calls.ts";
import { getWeights, updateWeights } from "../quota/weights.ts";
import { batchedRead } from "../read-model/batched-reads.ts";
import { MasterProjection } from "../read-model/master-projection.ts";
import { getAgents, getExecutors, getFrameworks, getRoles, getState, getTasks } from "./views.ts";

const T = master.Call_Type;
const R = master.Response_Type;
/** Calls that change something answer with no payload (the HTTP API's 202 Accepted). */
const ACCEPTED = create(master.ResponseSchema);

type Answer = master.Response | Promise<master.Response>;
type Handler = (ctx: MasterContext, call: master.Call) => Answer;

function required<T>(payload: T | undefined, field: string): T {
  if (payload === undefined) throw invalid(`Expecting '${field}' to be present`);
  return payload;
}

const answer = (init: MessageInitShape<typeof master.ResponseSchema>) => create(master.ResponseSchema, init);
/** A call that acts; its answer comes once the change is done (and committed, where the registry holds it). */
const acting =
  (act: (ctx: MasterContext, call: master.Call) => void | Promise<void>): Handler =>
  async (ctx, call) => {
    await act(ctx, call);
    return ACCEPTED;
  };
const operation = acting(operatorOperation);

const CALLS: Partial<Record<master.Call_Type, Handler>> = {
  [T.GET_HEALTH]: () => answer({ type: R.GET_HEALTH, getHealth: { healthy: true } }),
  [T.GET_VERSION]: () => answer({ type: R.GET_VERSION, getVersion: { versionInfo: versionInfo() } }),
  [T.GET_FLAGS]: (ctx) =>
    answer({ type: R.GET_FLAGS, getFlags: { flags: Object.entries(ctx.effectiveFlags).map(([name, value]) => ({ name, value })) } }),
  [T.GET_LOGGING_LEVEL]: (ctx) => answer({ type: R.GET_LOGGING_LEVEL, getLoggingLevel: { level: ctx.loggingLevel.level() } }),
  [T.SET_LOGGING_LEVEL]: acting((ctx, call) => {
    const { level, duration } = call.setLoggingLevel!;
    ctx.loggingLevel.set(level, Number((duration?.nanoseconds ?? 0n) / 1_000_000n));
  }),
  [T.GET_METRICS]: async (ctx) =>
    answer({ type: R.GET_METRICS, getMetrics: { metrics: Object.entries(await ctx.metrics.snapshot()).map(([name, value]) => ({ name, value })) } }),
  [T.LIST_FILES]: (ctx, call) =>
    answer({ type: R.LIST_FILES, listFiles: { fileInfos: listFilesV1(ctx.files, required(call.listFiles, "list_files").path) } }),
  [T.READ_FILE]: (ctx, call) => {
    const read = required(call.readFile, "read_file");
    const length = isFieldSet(read, master.Call_ReadFileSchema.field.length) ? read.length : undefined;
    return answer({ type: R.READ_FILE, readFile: readFileV1(ctx.files, { path: read.path, offset: read.offset, length }) });
  },
  [T.GET_STATE]: (ctx) => batchedRead(ctx, "GET_STATE", () => stateResponse(ctx)),
  [T.GET_AGENTS]: (ctx) => answer({ type: R.GET_AGENTS, getAgents: getAgents(new MasterProjection(ctx)) }),
  [T.GET_FRAMEWORKS]: (ctx) => answer({ type: R.GET_FRAMEWORKS, getFrameworks: getFrameworks(new MasterProjection(ctx)) }),
  [T.GET_EXECUTORS]: (ctx) => answer({ type: R.GET_EXECUTORS, getExecutors: getExecutors(new MasterProjection(ctx)) }),
  [T.GET_TASKS]: (ctx) => answer({ type: R.GET_TASKS, getTasks: getTasks(new MasterProjection(ctx)) }),
  [T.GET_ROLES]: (ctx) => answer({ type: R.GET_ROLES, getRoles: getRoles(new MasterProjection(ctx)) }),
  [T.GET_MASTER]: (ctx) =>
    answer({ type: R.GET_MASTER, getMaster: { masterInfo: ctx.info, startTime: ctx.startTime / 1000, electedTime: ctx.startTime / 1000 } }),
  [T.GET_QUOTA]: (ctx) => answer({ type: R.GET_QUOTA, getQuota: { status: getQuota(ctx) } }),
  [T.SET_QUOTA]: acting((ctx, call) => setQuota(ctx, required(call.setQuota, "set_quota"))),
  [T.REMOVE_QUOTA]: acting((ctx, call) => removeQuota(ctx, required(call.removeQuota, "remove_quota"))),
  [T.UPDATE_QUOTA]: acting((ctx, call) => updateQuota(ctx, required(call.updateQuota, "update_quota"))),
  [T.GET_WEIGHTS]: (ctx) => answer({ type: R.GET_WEIGHTS, getWeights: getWeights(ctx) }),
  [T.UPDATE_WEIGHTS]: acting((ctx, call) => updateWeights(ctx, required(call.updateWeights, "update_weights"))),
  [T.GET_OPERATIONS]: (ctx) => answer({ type: R.GET_OPERATIONS, getOperations: getOperations(ctx) }),
  [T.RESERVE_RESOURCES]: operation,
  [T.UNRESERVE_RESOURCES]: operation,
  [T.CREATE_VOLUMES]: operation,
  [T.DESTROY_VOLUMES]: operation,
  [T.GROW_VOLUME]: operation,
  [T.SHRINK_VOLUME]: operation,
  [T.MARK_AGENT_GONE]: acting(markGone),
  [T.TEARDOWN]: acting((ctx, call) => teardownFramework(ctx, required(call.teardown, "teardown").frameworkId!.value)),
  [T.GET_MAINTENANCE_SCHEDULE]: (ctx) =>
    answer({ type: R.GET_MAINTENANCE_SCHEDULE, getMaintenanceSchedule: { schedule: ctx.maintenance.schedule() } }),
  [T.GET_MAINTENANCE_STATUS]: (ctx) => answer({ type: R.GET_MAINTENANCE_STATUS, getMaintenanceStatus: { status: maintenanceStatus(ctx) } }),
  [T.UPDATE_MAINTENANCE_SCHEDULE]: acting((ctx, call) =>
    updateMaintenanceSchedule(ctx, required(call.updateMaintenanceSchedule, "update_maintenance_schedule").schedule!),
  ),
  [T.START_MAINTENANCE]: acting((ctx, call) => startMaintenance(ctx, required(call.startMaintenance, "start_maintenance").machines)),
  [T.STOP_MAINTENANCE]: acting((ctx, call) => stopMaintenance(ctx, required(call.stopMaintenance, "stop_maintenance").machines)),
};

/** GET_STATE's answer (unbatched: callers batch it, or its encoding). */
function stateResponse(ctx: MasterContext): master.Response {
  return answer({ type: R.GET_STATE, getState: getState(new MasterProjection(ctx)) });
}

/** Answers one operator call (its type is present and known: the guard stage checked). SUBSCRIBE streams: operator-subscribe.ts. */
export function handleOperatorCall(ctx: MasterContext, call: master.Call): Answer {
  const handler = CALLS[call.type];
  if (handler) return handler(ctx, call);
  throw unimplemented(`Operator call ${T[call.type] ?? call.type} is not supported yet`);
}
