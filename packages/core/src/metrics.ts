/**
 * A process's metrics registry: counters and gauges under Mesos's metric names (e.g.
 * `master/invalid_status_update_acknowledgements`), served by `/metrics/snapshot` and GET_METRICS.
 * One per master or agent, passed to whatever counts; the guard stage of @mesos/rpc counts calls here.
 */
export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, () => number>();

  increment(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  /** A value computed when read (e.g. the number of connected agents). */
  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  get(name: string): number {
    return this.counters.get(name) ?? this.gauges.get(name)?.() ?? 0;
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, value] of this.counters) out[name] = value;
    for (const [name, read] of this.gauges) out[name] = read();
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }
}
