/**
 * Turning allocations into offers: one Offer per (framework, role, agent), all of a framework's
 * offers of a cycle in one OFFERS event. The OfferBook keeps each offer as the master sees it; the
 * framework gets Mesos's view of it: without RESERVATION_REFINEMENT, resources in the pre-refinement
 * format; without MULTI_ROLE, no AllocationInfo on the offer or its resources (MESOS-8237).
 */
import { create } from "@bufbuild/protobuf";
import { downgradeResource } from "@mesos/core";
import {
  type AgentID,
  AgentIDSchema,
  type FrameworkID,
  FrameworkIDSchema,
  FrameworkInfo_Capability_Type,
  type Offer,
  OfferSchema,
  type Resource,
  scheduler,
  type URL as MesosURL,
  URLSchema,
} from "@mesos/proto";
import { presetEncoding } from "@mesos/rpc";
import type { Agent } from "../agents/agent.ts";
import type { Allocation } from "../allocator/allocator.ts";
import type { MasterContext } from "../context.ts";
import type { Framework } from "../frameworks/framework.ts";
import { agentMachine } from "../maintenance/machine-id.ts";
import { encodeOffersEvent } from "./offers-event-encoding.ts";

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
    const parts = agentParts(agent);
    const offer = create(OfferSchema, {
      id: { value: id },
      frameworkId: frameworkIdOf(framework),
      agentId: parts.agentId,
      hostname: agent.info.hostname,
      url: parts.url,
      domain: agent.info.domain,
      // The bag's own objects, not copies: neither the bag nor an offer changes a resource once made.
      resources: [...allocation.resources],
      attributes: agent.info.attributes,
      allocationInfo: { role: allocation.role },
      executorIds: ctx.executors.ofFramework(framework.id, agent.id).map((e) => e.info.executorId!),
      // The agent's machine is scheduled for maintenance: when it will be unavailable.
      unavailability: ctx.maintenance.unavailability(agentMachine(agent)),
    });
    ctx.offers.add({ offer, frameworkId: framework.id, agentId: agent.id, role: allocation.role, resources: allocation.resources });
    let list = byFramework.get(framework.id);
    if (!list) byFramework.set(framework.id, (list = []));
    list.push(offerForFramework(framework, offer));
  }
  for (const [frameworkId, offers] of byFramework) {
    const framework = ctx.frameworks.get(frameworkId)!;
    const event = create(scheduler.EventSchema, { type: scheduler.Event_Type.OFFERS, offers: { offers } });
    presetEncoding(event, "protobuf", () => encodeOffersEvent(offers));
    framework.send(event);
    framework.count("offers/sent", offers.length);
    ctx.metrics.increment("master/outstanding_offers_sent", offers.length);
  }
}

/**
 * An agent's id and URL as messages, shared by its offers (no offer is changed once made): built
 * for every offer, their nested messages were a third of what creating the offer cost.
 */
interface AgentParts {
  address: Agent["address"];
  agentId: AgentID;
  url: MesosURL;
}
const agentPartsOf = new WeakMap<Agent, AgentParts>();
const frameworkIds = new WeakMap<Framework, FrameworkID>();

function agentParts(agent: Agent): AgentParts {
  // The address is cached by the agent until its endpoint or hostname changes.
  const address = agent.address;
  let parts = agentPartsOf.get(agent);
  if (parts?.address !== address || parts.agentId.value !== agent.id) {
    const url = create(URLSchema, { scheme: "http", address: { hostname: address.hostname, ip: address.ip, port: address.port }, path: "/slave(1)" });
    agentPartsOf.set(agent, (parts = { address, agentId: create(AgentIDSchema, { value: agent.id }), url }));
  }
  return parts;
}

function frameworkIdOf(framework: Framework): FrameworkID {
  let id = frameworkIds.get(framework);
  if (id?.value !== framework.id) frameworkIds.set(framework, (id = create(FrameworkIDSchema, { value: framework.id })));
  return id;
}

function offerForFramework(framework: Framework, offer: Offer): Offer {
  const multiRole = framework.hasCapability(FrameworkInfo_Capability_Type.MULTI_ROLE);
  const refinement = framework.hasCapability(FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT);
  if (multiRole && refinement) return offer;
  // Shallow copies (a deep clone was half the cost of an offer): the view shares what it does not
  // change with the master's offer, and neither is mutated once made.
  const out = shallowCopy(offer);
  if (!multiRole) out.allocationInfo = undefined;
  out.resources = offer.resources.map((r) => {
    // Unreserved (nearly every resource offered): the pre-refinement format is role "*" and no
    // reservations, set on the shallow copy; downgradeResource deep-copies the resource first.
    if (!refinement && r.reservations.length === 0) return unreservedView(r, multiRole);
    let view = r;
    if (!multiRole) {
      view = shallowCopy(r);
      view.allocationInfo = undefined;
    }
    return refinement ? view : downgradeResource(view);
  });
  return out;
}

function unreservedView(r: Resource, multiRole: boolean): Resource {
  const view = shallowCopy(r);
  if (!multiRole) view.allocationInfo = undefined;
  view.role = "*";
  return view;
}

/** A message's own fields in a new message of its type (the prototype holds its proto2 defaults). */
function shallowCopy<T extends object>(message: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(message)) as T, message);
}
