/**
 * Outstanding offers: which framework holds which agent's resources, until they are accepted,
 * declined, rescinded or time out.
 */
import type { Resources, TimerHandle } from "@mesos/core";
import type { Offer } from "@mesos/proto";

export interface OfferRecord {
  offer: Offer;
  frameworkId: string;
  agentId: string;
  role: string;
  /** The offered resources with AllocationInfo, in our (refinement) format. */
  resources: Resources;
  timeout?: TimerHandle;
}

export class OfferBook {
  private readonly byId = new Map<string, OfferRecord>();

  add(record: OfferRecord): void {
    this.byId.set(record.offer.id!.value, record);
  }

  get(id: string): OfferRecord | undefined {
    return this.byId.get(id);
  }

  /** Removes an offer (cancelling its timeout) and returns it. */
  take(id: string): OfferRecord | undefined {
    const record = this.byId.get(id);
    if (!record) return undefined;
    record.timeout?.cancel();
    this.byId.delete(id);
    return record;
  }

  all(): IterableIterator<OfferRecord> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}
