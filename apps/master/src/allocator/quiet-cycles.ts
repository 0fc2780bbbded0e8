/**
 * Full cycles that cannot offer anything are not run. A full cycle that offered nothing refused
 * every (agent, framework role) it visited, each for a reason that holds while the allocator's state
 * stays the same (nothing available, below the minimum offer size, suppressed, inactive...) or a
 * filter that holds until it expires; no visit changed anything, so their order did not matter.
 * The next full cycle therefore offers nothing too unless an event changed the state or one of those
 * filters expired: skipping it changes no outcome. Mesos 1.8 runs every cycle in full; at 10,000
 * agents with every framework's offers declined (a settled cluster) that cycle was two thirds of an
 * idle master's CPU (100,000 filter checks a second).
 */
export class QuietCycles {
  /** Bumped by every event that can change what a cycle offers, and by every cycle that offered something. */
  private changes = 0;
  /** What held after the last full cycle that offered nothing. */
  private quiet: { changes: number; until: number } | null = null;

  constructor(private readonly enabled = true) {}

  /** The allocator's state changed (an event, or a cycle that allocated). */
  changed(): void {
    this.changes++;
  }

  /** Whether a full cycle at `now` would offer nothing, as the last one did. */
  canSkip(now: number): boolean {
    const q = this.quiet;
    return this.enabled && q !== null && q.changes === this.changes && now < q.until;
  }

  /** After a cycle: how many offers it made and, for a full one, when the first filter that refused something expires. */
  ran(full: boolean, offers: number, refusalsEndAt: number): void {
    if (offers > 0) {
      this.changes++;
      this.quiet = null;
    } else if (full) {
      this.quiet = { changes: this.changes, until: refusalsEndAt };
    }
  }
}
