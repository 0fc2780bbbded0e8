/**
 * The metrics registry in Prometheus's text exposition format (0.0.4), so a Prometheus server
 * scrapes a master or an agent unchanged. Mesos's names are sanitised (`master/tasks_running` ->
 * `master_tasks_running`); counters get Prometheus's `_total` suffix; timers become summaries
 * (quantiles of the recent window, `_sum` and `_count` over the process's life). Every family has
 * a HELP line naming the Mesos metric it is.
 */
import { type MetricFamily, PERCENTILES } from "./metrics.ts";

/** A Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]*. */
export function prometheusName(mesosName: string): string {
  const name = mesosName.replace(/[^a-zA-Z0-9_:]/g, "_");
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function number(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

export function prometheusText(families: MetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  const sorted = [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of sorted) {
    let name = prometheusName(f.name);
    if (f.kind === "counter" && !name.endsWith("_total")) name += "_total";
    // Two Mesos names can sanitise to one (`a/b` and `a_b`); Prometheus allows a family once.
    if (seen.has(name)) continue;
    seen.add(name);
    const help = f.help ? `${f.help} (Mesos: ${f.name})` : `Mesos metric ${f.name}`;
    lines.push(`# HELP ${name} ${escapeHelp(help)}`);
    if (f.kind === "timer") {
      lines.push(`# TYPE ${name} summary`);
      if (f.stats) for (const [k, q] of PERCENTILES) lines.push(`${name}{quantile="${q}"} ${number(f.stats[k]!)}`);
      lines.push(`${name}_sum ${number(f.sum ?? 0)}`, `${name}_count ${number(f.count ?? 0)}`);
    } else {
      lines.push(`# TYPE ${name} ${f.kind}`, `${name} ${number(f.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
