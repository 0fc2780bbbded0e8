/**
 * ACCEPT_INVERSE_OFFERS and DECLINE_INVERSE_OFFERS: the framework's answer to inverse offers (Mesos's
 * acceptInverseOffers/declineInverseOffers). Each answer ends its inverse offer, is kept for
 * GET_MAINTENANCE_STATUS and filters the agent's inverse offers for the framework for
 * `filters.refuse_seconds` (default 5). An id that is not an outstanding inverse offer of the
 * framework is ignored with a warning, as Mesos does; neither answer changes the schedule.
 */
import { create } from "@bufbuild/protobuf";
import { allocator, type Filters, type OfferID, type scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { refuseSeconds } from "./filters.ts";

const S = allocator.InverseOfferStatus_Status;

function answer(
  ctx: MasterContext,
  framework: Framework,
  ids: readonly OfferID[],
  filters: Filters | undefined,
  status: allocator.InverseOfferStatus_Status,
): void {
  const verb = status === S.ACCEPT ? "accept" : "decline";
  if (ids.length === 0) {
    ctx.log.warn(`${S[status]}_INVERSE_OFFERS call of framework ${framework.id} used no inverse offers`);
    return;
  }
  const refuse = refuseSeconds(filters);
  for (const { value: id } of ids) {
    if (ctx.inverseOffers.get(id)?.frameworkId !== framework.id) {
      ctx.log.warn(`Ignoring ${verb} of inverse offer ${id} by framework ${framework.id} since it is no longer valid`);
      continue;
    }
    const timestamp = { nanoseconds: BigInt(ctx.clock.now()) * 1_000_000n };
    ctx.inverseOffers.answer(id, {
      status: create(allocator.InverseOfferStatusSchema, { status, frameworkId: { value: framework.id }, timestamp }),
      refuseSeconds: refuse,
    });
  }
}

export function acceptInverseOffers(ctx: MasterContext, framework: Framework, call: scheduler.Call_AcceptInverseOffers): void {
  answer(ctx, framework, call.inverseOfferIds, call.filters, S.ACCEPT);
}

export function declineInverseOffers(ctx: MasterContext, framework: Framework, call: scheduler.Call_DeclineInverseOffers): void {
  answer(ctx, framework, call.inverseOfferIds, call.filters, S.DECLINE);
}
