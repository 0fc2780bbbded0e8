/**
 * Call-level validation of operator calls, as Mesos's validation::master::call does before any
 * handler runs (the operator's guard stage runs it once `type` is present): the payload a type
 * needs is present — even for a call this master does not serve, which then answers 501 — and
 * GROW_VOLUME / SHRINK_VOLUME name an agent.
 */
import { isFieldSet } from "@bufbuild/protobuf";
import { invalid } from "@mesos/core";
import { master } from "@mesos/proto";

const T = master.Call_Type;

/** The types whose payload Mesos requires (the payload field is the type's name in lower case). */
const NEEDS_PAYLOAD = new Set([
  T.GET_METRICS,
  T.SET_LOGGING_LEVEL,
  T.LIST_FILES,
  T.READ_FILE,
  T.UPDATE_WEIGHTS,
  T.RESERVE_RESOURCES,
  T.UNRESERVE_RESOURCES,
  T.CREATE_VOLUMES,
  T.DESTROY_VOLUMES,
  T.GROW_VOLUME,
  T.SHRINK_VOLUME,
  T.UPDATE_MAINTENANCE_SCHEDULE,
  T.START_MAINTENANCE,
  T.STOP_MAINTENANCE,
  T.UPDATE_QUOTA,
  T.SET_QUOTA,
  T.REMOVE_QUOTA,
  T.TEARDOWN,
  T.MARK_AGENT_GONE,
]);

const AGENT_DEFAULT_ONLY = "Expecting 'agent_id' to be present; only agent default resources are supported right now";

export function validateOperatorCall(call: master.Call): void {
  if (!NEEDS_PAYLOAD.has(call.type)) return;
  const name = T[call.type]!.toLowerCase();
  const field = master.CallSchema.fields.find((f) => f.name === name);
  if (!field || !isFieldSet(call, field)) throw invalid(`Expecting '${name}' to be present`);
  if (call.type === T.GROW_VOLUME && !call.growVolume!.agentId) throw invalid(AGENT_DEFAULT_ONLY);
  if (call.type === T.SHRINK_VOLUME && !call.shrinkVolume!.agentId) throw invalid(AGENT_DEFAULT_ONLY);
}
