/**
 * An unbounded async queue: producers `push` synchronously, one consumer iterates with `for await`.
 * Event streams (scheduler SUBSCRIBE, operator SUBSCRIBE, the master->agent link) are built on it.
 */
type Wakeup<T> = { kind: "item"; item: T } | { kind: "end" } | { kind: "error"; error: unknown };

export class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiter: ((w: Wakeup<T>) => void) | null = null;
  private ending: Wakeup<T> | null = null;

  /** Queues an item; ignored after close. Returns false if the channel is closed. */
  push(item: T): boolean {
    if (this.ending) return false;
    if (this.waiter) this.wake({ kind: "item", item });
    else this.items.push(item);
    return true;
  }

  /** Ends the stream after queued items are consumed; with an error, iteration throws it at once. */
  close(error?: unknown): void {
    if (this.ending) return;
    this.ending = error === undefined ? { kind: "end" } : { kind: "error", error };
    if (error !== undefined) this.items = [];
    if (this.waiter && this.items.length === 0) this.wake(this.ending);
  }

  get closed(): boolean {
    return this.ending !== null;
  }

  get size(): number {
    return this.items.length;
  }

  private wake(w: Wakeup<T>): void {
    const waiter = this.waiter!;
    this.waiter = null;
    waiter(w);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const next: Wakeup<T> =
        this.items.length > 0
          ? { kind: "item", item: this.items.shift()! }
          : (this.ending ?? (await new Promise<Wakeup<T>>((resolve) => (this.waiter = resolve))));
      if (next.kind === "end") return;
      if (next.kind === "error") throw next.error;
      yield next.item;
    }
  }
}
