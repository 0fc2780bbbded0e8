/**
 * The InverseOfferBook: outstanding inverse offers (maintenance asking a framework to give an
 * agent's resources back), indexed by id, framework and agent, from the moment the allocator makes
 * one until the framework answers it (ACCEPT/DECLINE_INVERSE_OFFERS), it is rescinded, or it times
 * out (--offer_timeout, as Mesos). The only code that tells the allocator an inverse offer ended.
 */
import { create } from "@bufbuild/protobuf";
import type { Clock, TimerHandle } from "@mesos/core";
import { type allocator, type InverseOffer, scheduler } from "@mesos/proto";
import type { Allocator, InverseOfferAnswer } from "../allocator/allocator.ts";
import type { Framework } from "../frameworks/framework.ts";
import { index, unindex } from "./offer-book.ts";

export interface InverseOfferRecord {
  inverseOffer: InverseOffer;
  frameworkId: string;
  agentId: string;
  timeout?: TimerHandle;
}

export interface InverseOfferBookDeps {
  clock: Clock;
  /** --offer_timeout, if set (Mesos uses it for inverse offers too). */
  offerTimeoutMs?: number;
  allocator: Pick<Allocator, "updateInverseOffer" | "inverseOfferStatuses">;
  /** The live framework of an inverse offer, to tell it of a rescind. */
  framework(id: string): Framework | undefined;
}

export class InverseOfferBook {
  private readonly byId = new Map<string, InverseOfferRecord>();
  private readonly byFramework = new Map<string, Set<string>>();
  private readonly byAgent = new Map<string, Set<string>>();

  constructor(private readonly deps: InverseOfferBookDeps) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: string): InverseOfferRecord | undefined {
    return this.byId.get(id);
  }

  ofFramework(frameworkId: string): InverseOfferRecord[] {
    return this.records(this.byFramework.get(frameworkId));
  }

  onAgent(agentId: string): InverseOfferRecord[] {
    return this.records(this.byAgent.get(agentId));
  }

  /** The frameworks' latest answers for an agent (the allocator keeps them), by framework id. */
  answers(agentId: string): ReadonlyMap<string, allocator.InverseOfferStatus> {
    return this.deps.allocator.inverseOfferStatuses().get(agentId) ?? new Map();
  }

  /** Records a new inverse offer; it is rescinded after --offer_timeout if still outstanding. */
  add(record: InverseOfferRecord): void {
    const id = record.inverseOffer.id!.value;
    this.byId.set(id, record);
    index(this.byFramework, record.frameworkId).add(id);
    index(this.byAgent, record.agentId).add(id);
    const timeout = this.deps.offerTimeoutMs;
    if (timeout !== undefined) record.timeout = this.deps.clock.setTimeout(() => this.rescind(id), timeout);
  }

  /** The framework answered: the allocator keeps the answer and its filter. */
  answer(id: string, answer: InverseOfferAnswer): void {
    const record = this.remove(id);
    if (record) this.deps.allocator.updateInverseOffer(record.agentId, record.frameworkId, answer);
  }

  /** The master could not make an inverse offer the allocator made (framework or agent gone): it may be made again. */
  dropped(agentId: string, frameworkId: string): void {
    this.deps.allocator.updateInverseOffer(agentId, frameworkId);
  }

  /** Withdraws an inverse offer (telling the framework unless `tell` is false); the allocator may make it again. */
  rescind(id: string, tell = true): void {
    const record = this.remove(id);
    if (!record) return;
    this.deps.allocator.updateInverseOffer(record.agentId, record.frameworkId);
    const framework = this.deps.framework(record.frameworkId);
    if (tell && framework?.connected) {
      framework.send(
        create(scheduler.EventSchema, {
          type: scheduler.Event_Type.RESCIND_INVERSE_OFFER,
          rescindInverseOffer: { inverseOfferId: record.inverseOffer.id },
        }),
      );
    }
  }

  /** The agent's unavailability changed, or it disconnected, re-registered or went away. */
  rescindAgent(agentId: string): void {
    for (const record of this.onAgent(agentId)) this.rescind(record.inverseOffer.id!.value);
  }

  /** The framework disconnected (`tell`), or is removed. */
  rescindFramework(frameworkId: string, tell = true): void {
    for (const record of this.ofFramework(frameworkId)) this.rescind(record.inverseOffer.id!.value, tell);
  }

  private remove(id: string): InverseOfferRecord | undefined {
    const record = this.byId.get(id);
    if (!record) return undefined;
    record.timeout?.cancel();
    this.byId.delete(id);
    unindex(this.byFramework, record.frameworkId, id);
    unindex(this.byAgent, record.agentId, id);
    return record;
  }

  private records(ids: ReadonlySet<string> | undefined): InverseOfferRecord[] {
    return ids ? [...ids].map((id) => this.byId.get(id)!) : [];
  }
}
