/**
 * A process's one metrics registry, under Mesos's metric names (`master/tasks_running`,
 * `allocator/mesos/allocation_run_ms`, ...). `/metrics/snapshot`, GET_METRICS and the Prometheus
 * `/metrics` all read it. Four kinds, as libprocess has them:
 * - counters, incremented by whoever counts;
 * - gauges, computed when read (the number of connected agents);
 * - timers, whose snapshot is the last value plus `/count`, `/min`, `/max`, `/p50` ... `/p9999` over
 *   a window of recent samples (libprocess adds the statistics once a window holds two samples);
 * - sources, families of gauges whose names are known only when read (per role, per isolator),
 *   possibly asynchronous.
 */
export type MetricKind = "counter" | "gauge" | "timer";

type Source = () => Record<string, number> | Promise<Record<string, number>>;

/** How many recent samples a timer keeps for its percentiles. */
const TIMER_WINDOW = 1000;

export const PERCENTILES: [string, number][] = [
  ["p50", 0.5],
  ["p90", 0.9],
  ["p95", 0.95],
  ["p99", 0.99],
  ["p999", 0.999],
  ["p9999", 0.9999],
];

interface TimerState {
  last: number;
  samples: number[];
  next: number;
  sum: number;
  count: number;
}

/** One metric as the Prometheus encoder sees it. */
export interface MetricFamily {
  name: string;
  kind: MetricKind;
  help?: string;
  value: number;
  /** Timers only: the window's statistics (`count`, `min`, `max`, `p50` ... `p9999`), and the totals over the process's life. */
  stats?: Record<string, number>;
  sum?: number;
  count?: number;
}

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, () => number>();
  private readonly timers = new Map<string, TimerState>();
  private readonly sources: Source[] = [];
  private readonly helps = new Map<string, string>();

  increment(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  /** Declares a counter at 0, so it is listed before anything counted it (Mesos lists its counters from start-up). */
  counter(name: string, help?: string): void {
    if (!this.counters.has(name)) this.counters.set(name, 0);
    if (help) this.helps.set(name, help);
  }

  /** A value computed when read (e.g. the number of connected agents). */
  gauge(name: string, read: () => number, help?: string): void {
    this.gauges.set(name, read);
    if (help) this.helps.set(name, help);
  }

  /** A sample of a timer; `name` carries its unit as Mesos names it (`allocator/mesos/allocation_run_ms`). */
  observe(name: string, value: number): void {
    let t = this.timers.get(name);
    if (!t) {
      t = { last: 0, samples: [], next: 0, sum: 0, count: 0 };
      this.timers.set(name, t);
    }
    t.last = value;
    t.sum += value;
    t.count++;
    if (t.samples.length < TIMER_WINDOW) t.samples.push(value);
    else t.samples[t.next] = value;
    t.next = (t.next + 1) % TIMER_WINDOW;
  }

  /** A family of gauges named when read (per role, per resource, per isolator). */
  source(read: Source): void {
    this.sources.push(read);
  }

  describe(name: string, help: string): void {
    this.helps.set(name, help);
  }

  /** A counter's or a gauge's current value (0 when unknown). */
  get(name: string): number {
    return this.counters.get(name) ?? this.gauges.get(name)?.() ?? this.timers.get(name)?.last ?? 0;
  }

  /** Every metric, sorted by name, as `/metrics/snapshot` answers. */
  async snapshot(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const f of await this.families()) {
      out[f.name] = f.value;
      for (const [k, v] of Object.entries(f.stats ?? {})) out[`${f.name}/${k}`] = v;
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  async families(): Promise<MetricFamily[]> {
    const out: MetricFamily[] = [];
    const help = (name: string) => this.helps.get(name);
    for (const [name, value] of this.counters) out.push({ name, kind: "counter", value, help: help(name) });
    for (const [name, read] of this.gauges) out.push({ name, kind: "gauge", value: read(), help: help(name) });
    for (const [name, t] of this.timers) {
      out.push({ name, kind: "timer", value: t.last, help: help(name), stats: timerStats(t), sum: t.sum, count: t.count });
    }
    for (const read of this.sources) {
      for (const [name, value] of Object.entries(await read())) out.push({ name, kind: "gauge", value, help: help(name) });
    }
    return out;
  }
}

/** libprocess's Statistics: none below two samples; percentiles interpolate between ranks. */
function timerStats(t: TimerState): Record<string, number> | undefined {
  if (t.samples.length < 2) return undefined;
  const sorted = [...t.samples].sort((a, b) => a - b);
  const percentile = (p: number) => {
    const position = p * (sorted.length - 1);
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
  };
  const out: Record<string, number> = { count: sorted.length, min: sorted[0]!, max: sorted[sorted.length - 1]! };
  for (const [k, q] of PERCENTILES) out[k] = percentile(q);
  return out;
}
