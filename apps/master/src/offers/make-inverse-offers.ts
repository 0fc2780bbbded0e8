/**
 * Turning the allocator's inverse offers into InverseOffers: one per (framework, agent), all of a
 * framework's of a cycle in one INVERSE_OFFERS event, with no resources (the whole agent is asked
 * for, as Mesos's maintenance does) and the machine's unavailability. Dropped, as Mesos drops them,
 * for a framework or agent no longer connected or a machine no longer scheduled; the allocator may
 * then make them again.
 */
import { create } from "@bufbuild/protobuf";
import { type InverseOffer, InverseOfferSchema, scheduler } from "@mesos/proto";
import type { InverseOfferAllocation } from "../allocator/allocator.ts";
import type { MasterContext } from "../context.ts";
import { agentMachine } from "../maintenance/machine-id.ts";

export function makeInverseOffers(ctx: MasterContext, allocations: readonly InverseOfferAllocation[]): void {
  const byFramework = new Map<string, InverseOffer[]>();
  for (const { frameworkId, agentId, unavailability } of allocations) {
    const framework = ctx.frameworks.get(frameworkId);
    const agent = ctx.agents.get(agentId);
    if (!framework?.active || !agent?.connected || !ctx.maintenance.unavailability(agentMachine(agent))) {
      ctx.log.info(`Dropping an inverse offer of agent ${agentId} to framework ${frameworkId}: no longer valid`);
      ctx.inverseOffers.dropped(agentId, frameworkId);
      continue;
    }
    const address = agent.address;
    const inverseOffer = create(InverseOfferSchema, {
      id: { value: ctx.newOfferId() },
      frameworkId: { value: frameworkId },
      agentId: { value: agentId },
      url: { scheme: "http", address: { hostname: address.hostname, ip: address.ip, port: address.port }, path: "/slave(1)" },
      unavailability,
    });
    ctx.inverseOffers.add({ inverseOffer, frameworkId, agentId });
    let list = byFramework.get(frameworkId);
    if (!list) byFramework.set(frameworkId, (list = []));
    list.push(inverseOffer);
  }
  for (const [frameworkId, inverseOffers] of byFramework) {
    ctx.log.info(`Sending ${inverseOffers.length} inverse offer(s) to framework ${frameworkId}`);
    ctx.frameworks
      .get(frameworkId)!
      .send(create(scheduler.EventSchema, { type: scheduler.Event_Type.INVERSE_OFFERS, inverseOffers: { inverseOffers } }));
  }
}
