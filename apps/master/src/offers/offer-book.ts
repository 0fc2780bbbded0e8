/**
 * The OfferBook: outstanding offers, indexed by id, by framework and by agent, from the moment an
 * allocation becomes an offer until it is accepted, declined, rescinded or times out (--offer_timeout).
 * The only code that hands offered (or unused) resources back to the allocator.
 */
import { create } from "@bufbuild/protobuf";
import type { Clock, Metrics, Resources, TimerHandle } from "@mesos/core";
import { type Offer, scheduler } from "@mesos/proto";
import type { Allocator } from "../allocator/allocator.ts";
import type { Framework } from "../frameworks/framework.ts";

export interface OfferRecord {
  offer: Offer;
  frameworkId: string;
  agentId: string;
  role: string;
  /** The offered resources with AllocationInfo, in our (refinement) format. */
  resources: Resources;
  timeout?: TimerHandle;
}

export interface RemoveOfferOptions {
  /** Tell the framework with a RESCIND event. */
  rescind?: boolean;
  /** Give the resources back to the allocator (with this refusal filter, default none). */
  recover?: boolean;
  refuseSeconds?: number;
}

export interface OfferBookDeps {
  clock: Clock;
  metrics: Metrics;
  /** --offer_timeout, if set. */
  offerTimeoutMs?: number;
  allocator: Pick<Allocator, "recoverResources">;
  /** The live framework of an offer, to tell it of a rescind. */
  framework(id: string): Framework | undefined;
}

const NONE: ReadonlySet<string> = new Set();

export class OfferBook {
  private readonly offersById = new Map<string, OfferRecord>();
  private readonly offersByFramework = new Map<string, Set<string>>();
  private readonly offersByAgent = new Map<string, Set<string>>();
  /**
   * Per framework and per agent, a number that changes whenever one of its offers comes or goes, and
   * only then (never reused): the read model keeps what it sums from their offers while it holds.
   */
  private readonly frameworkRevisions = new Map<string, number>();
  private readonly agentRevisions = new Map<string, number>();
  private lastRevision = 0;

  constructor(private readonly deps: OfferBookDeps) {}

  get size(): number {
    return this.offersById.size;
  }

  get(id: string): OfferRecord | undefined {
    return this.offersById.get(id);
  }

  all(): IterableIterator<OfferRecord> {
    return this.offersById.values();
  }

  ofFramework(frameworkId: string): OfferRecord[] {
    return this.records(this.offersByFramework.get(frameworkId));
  }

  onAgent(agentId: string): OfferRecord[] {
    return this.records(this.offersByAgent.get(agentId));
  }

  frameworkRevision(frameworkId: string): number {
    return this.frameworkRevisions.get(frameworkId) ?? 0;
  }

  agentRevision(agentId: string): number {
    return this.agentRevisions.get(agentId) ?? 0;
  }

  /** Records a new offer; it is rescinded after --offer_timeout if still outstanding. */
  add(record: OfferRecord): void {
    const id = record.offer.id!.value;
    this.offersById.set(id, record);
    index(this.offersByFramework, record.frameworkId).add(id);
    index(this.offersByAgent, record.agentId).add(id);
    this.changed(record);
    const timeout = this.deps.offerTimeoutMs;
    if (timeout !== undefined) {
      record.timeout = this.deps.clock.setTimeout(() => {
        this.deps.metrics.increment("master/offers_timed_out");
        this.remove(id, { rescind: true, recover: true });
      }, timeout);
    }
  }

  /** Removes an offer from every index; returns it (undefined if it no longer exists). */
  remove(id: string, options: RemoveOfferOptions = {}): OfferRecord | undefined {
    const record = this.offersById.get(id);
    if (!record) return undefined;
    record.timeout?.cancel();
    this.offersById.delete(id);
    unindex(this.offersByFramework, record.frameworkId, id);
    unindex(this.offersByAgent, record.agentId, id);
    this.changed(record);
    if (options.recover) this.giveBack(record.frameworkId, record.agentId, record.resources, options.refuseSeconds ?? 0);
    const framework = this.deps.framework(record.frameworkId);
    if (options.rescind && framework?.connected) {
      framework.send(create(scheduler.EventSchema, { type: scheduler.Event_Type.RESCIND, rescind: { offerId: record.offer.id } }));
      framework.count("offers/rescinded");
    }
    return record;
  }

  /** Rescinds a framework's offers (it disconnected or left a role) and gives them back. */
  rescindFramework(frameworkId: string, which: (record: OfferRecord) => boolean = () => true): void {
    for (const record of this.ofFramework(frameworkId)) if (which(record)) this.remove(record.offer.id!.value, { rescind: true, recover: true });
  }

  /** Rescinds every offer of an agent (it disconnected, re-registered or went away) and gives them back. */
  rescindAgent(agentId: string): void {
    for (const record of this.onAgent(agentId)) this.remove(record.offer.id!.value, { rescind: true, recover: true });
  }

  /** Resources a framework held but does not use (left over from an ACCEPT, or an offer nobody can take). */
  giveBack(frameworkId: string, agentId: string, resources: Resources, refuseSeconds: number): void {
    this.deps.allocator.recoverResources(frameworkId, agentId, resources, refuseSeconds);
  }

  private changed(record: OfferRecord): void {
    this.frameworkRevisions.set(record.frameworkId, ++this.lastRevision);
    this.agentRevisions.set(record.agentId, ++this.lastRevision);
  }

  private records(ids: ReadonlySet<string> = NONE): OfferRecord[] {
    return [...ids].map((id) => this.offersById.get(id)!);
  }
}

/** The ids indexed under `key` (created empty if absent). */
export function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

/** Drops `id` from `key`'s ids, and the key once it has none. */
export function unindex(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  set?.delete(id);
  if (set?.size === 0) map.delete(key);
}
