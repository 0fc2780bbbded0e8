/** GET_WEIGHTS and UPDATE_WEIGHTS: role weights for DRF, persisted in the registry. */
import { create } from "@bufbuild/protobuf";
import { invalid, validateRole } from "@mesos/core";
import { master } from "@mesos/proto";
import type { MasterContext } from "../context.ts";

export function getWeights(ctx: MasterContext): master.Response_GetWeights {
  return create(master.Response_GetWeightsSchema, {
    weightInfos: [...ctx.roles.weights()].map(([role, weight]) => ({ role, weight })),
  });
}

export async function updateWeights(ctx: MasterContext, call: master.Call_UpdateWeights): Promise<void> {
  const updates = new Map<string, number>();
  for (const { role, weight } of call.weightInfos) {
    const name = role ?? "";
    const error = validateRole(name);
    if (error) throw invalid(`Invalid role: ${error}`);
    if (name === "*") throw invalid("Cannot set a weight for role '*'");
    if (!Number.isFinite(weight) || weight <= 0) throw invalid(`Weight for role '${name}' must be a positive number, got ${weight}`);
    if (updates.has(name)) throw invalid(`UPDATE_WEIGHTS names role '${name}' twice`);
    updates.set(name, weight);
  }
  await ctx.roles.updateWeights(updates);
  ctx.log.info(`Updated weights: ${[...updates].map(([r, w]) => `${r}=${w}`).join(", ")}`);
}
