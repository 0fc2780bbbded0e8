/** Taking offers back: on use (accept/decline), rescind, timeout, framework or agent loss. */
import { create } from "@bufbuild/protobuf";
import { scheduler } from "@mesos/proto";
import type { MasterContext } from "../context.ts";
import type { OfferRecord } from "./offer-book.ts";

export interface RemoveOfferOptions {
  /** Tell the framework with a RESCIND event. */
  rescind?: boolean;
  /** Give the resources back to the allocator (with this refusal filter, default none). */
  recover?: boolean;
  refuseSeconds?: number;
}

/** Removes an offer from every index; returns it (undefined if it no longer exists). */
export function removeOffer(ctx: MasterContext, offerId: string, options: RemoveOfferOptions = {}): OfferRecord | undefined {
  const record = ctx.offers.take(offerId);
  if (!record) return undefined;
  const framework = ctx.frameworks.get(record.frameworkId);
  framework?.offers.delete(offerId);
  ctx.agents.get(record.agentId)?.offers.delete(offerId);
  if (options.recover) {
    ctx.allocator.recoverResources(record.frameworkId, record.agentId, record.resources, options.refuseSeconds ?? 0);
  }
  if (options.rescind && framework?.connected) {
    framework.send(create(scheduler.EventSchema, { type: scheduler.Event_Type.RESCIND, rescind: { offerId: record.offer.id } }));
  }
  return record;
}

export function rescindFrameworkOffers(ctx: MasterContext, frameworkId: string): void {
  for (const id of [...(ctx.frameworks.get(frameworkId)?.offers ?? [])]) {
    removeOffer(ctx, id, { rescind: true, recover: true });
  }
}

export function rescindAgentOffers(ctx: MasterContext, agentId: string): void {
  for (const id of [...(ctx.agents.get(agentId)?.offers ?? [])]) removeOffer(ctx, id, { rescind: true, recover: true });
}
