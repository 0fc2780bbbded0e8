/**
 * Turning allocations into offers: one Offer per (framework, role, agent), all of a framework's
 * offers of a cycle in one OFFERS event. Frameworks without RESERVATION_REFINEMENT get resources
 * in the pre-refinement format.
 */
import { create } from "@bufbuild/protobuf";
import { downgradeResource } from "@mesos/core";
import { FrameworkInfo_Capability_Type, type Offer, OfferSchema, scheduler } from "@mesos/proto";
import type { Allocation } from "../allocator/allocator.ts";
import type { MasterContext } from "../context.ts";

export function makeOffers(ctx: MasterContext, allocations: readonly Allocation[]): void {
  const byFramework = new Map<string, Offer[]>();
  for (const allocation of allocations) {
    const framework = ctx.frameworks.get(allocation.frameworkId);
    const agent = ctx.agents.get(allocation.agentId);
    if (!framework?.connected || !agent?.connected) {
      ctx.offers.giveBack(allocation.frameworkId, allocation.agentId, allocation.resources, 0);
      continue;
    }
    const id = ctx.newOfferId();
    const refinement = framework.hasCapability(FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT);
    const address = agent.address;
    const offer = create(OfferSchema, {
      id: { value: id },
      frameworkId: { value: framework.id },
      agentId: { value: agent.id },
      hostname: agent.info.hostname,
      url: { scheme: "http", address: { hostname: address.hostname, ip: address.ip, port: address.port }, path: "/slave(1)" },
      domain: agent.info.domain,
      resources: refinement ? allocation.resources.toArray() : allocation.resources.toArray().map(downgradeResource),
      attributes: agent.info.attributes,
      allocationInfo: { role: allocation.role },
    });
    ctx.offers.add({ offer, frameworkId: framework.id, agentId: agent.id, role: allocation.role, resources: allocation.resources });
    let list = byFramework.get(framework.id);
    if (!list) byFramework.set(framework.id, (list = []));
    list.push(offer);
  }
  for (const [frameworkId, offers] of byFramework) {
    ctx.frameworks.get(frameworkId)!.send(create(scheduler.EventSchema, { type: scheduler.Event_Type.OFFERS, offers: { offers } }));
    ctx.metrics.increment("master/outstanding_offers_sent", offers.length);
  }
}
