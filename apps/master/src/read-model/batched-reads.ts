/**
 * Readers of the master's state that arrive together share one pass over it, as Mesos 1.8 batches
 * them (MESOS-9158): a read waits for the current turn of the event loop to end, and every read of
 * the same view that arrives meanwhile (the same endpoint and query, or GET_STATE) gets the result
 * of that one computation. At scale a state view takes long enough to compute that readers queue
 * up behind it; they then cost one more pass, not one each.
 */
import type { MasterContext } from "../context.ts";

const batches = new WeakMap<MasterContext, Map<string, Promise<unknown>>>();

export function batchedRead<T>(ctx: MasterContext, key: string, compute: () => T): Promise<T> {
  let pending = batches.get(ctx);
  if (!pending) batches.set(ctx, (pending = new Map()));
  const joined = pending.get(key) as Promise<T> | undefined;
  if (joined) return joined;
  const batch = new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      pending.delete(key);
      try {
        resolve(compute());
      } catch (e) {
        reject(e);
      }
    });
  });
  pending.set(key, batch);
  return batch;
}

/** How many batches are waiting for their turn (Mesos's deferred dispatches of state views). */
export function waitingBatches(ctx: MasterContext): number {
  return batches.get(ctx)?.size ?? 0;
}
