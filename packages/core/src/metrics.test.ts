import { expect, test } from "bun:test";
import { Metrics } from "./metrics.ts";
import { prometheusName, prometheusText } from "./prometheus.ts";

test("one registry: counters, gauges, sources and timers with libprocess's statistics", async () => {
  const m = new Metrics();
  m.counter("master/tasks_finished");
  m.increment("master/tasks_failed", 2);
  m.gauge("master/elected", () => 1);
  m.source(async () => ({ "allocator/mesos/roles/web/shares/dominant": 0.25 }));
  m.observe("allocator/mesos/allocation_run_ms", 4);
  expect(await m.snapshot()).toEqual({
    "allocator/mesos/allocation_run_ms": 4,
    "allocator/mesos/roles/web/shares/dominant": 0.25,
    "master/elected": 1,
    "master/tasks_failed": 2,
    "master/tasks_finished": 0,
  });
  for (let i = 1; i <= 100; i++) m.observe("allocator/mesos/allocation_run_ms", i);
  const s = await m.snapshot();
  expect(s["allocator/mesos/allocation_run_ms"]).toBe(100);
  expect(s["allocator/mesos/allocation_run_ms/count"]).toBe(101);
  expect(s["allocator/mesos/allocation_run_ms/min"]).toBe(1);
  expect(s["allocator/mesos/allocation_run_ms/max"]).toBe(100);
  expect(s["allocator/mesos/allocation_run_ms/p50"]).toBe(50);
  expect(s["allocator/mesos/allocation_run_ms/p99"]).toBeCloseTo(99, 0);
});

test("Prometheus text: sanitised names, counters as _total, timers as summaries, HELP and TYPE for each", async () => {
  expect(prometheusName("allocator/mesos/roles/a.b-c/shares/dominant")).toBe("allocator_mesos_roles_a_b_c_shares_dominant");
  const m = new Metrics();
  m.counter("master/tasks_finished", "Finished tasks");
  m.gauge("master/uptime_secs", () => 1.5);
  m.observe("allocator/mesos/allocation_run_ms", 1);
  m.observe("allocator/mesos/allocation_run_ms", 3);
  expect(prometheusText(await m.families())).toBe(
    [
      "# HELP allocator_mesos_allocation_run_ms Mesos metric allocator/mesos/allocation_run_ms",
      "# TYPE allocator_mesos_allocation_run_ms summary",
      'allocator_mesos_allocation_run_ms{quantile="0.5"} 2',
      'allocator_mesos_allocation_run_ms{quantile="0.9"} 2.8',
      'allocator_mesos_allocation_run_ms{quantile="0.95"} 2.9',
      'allocator_mesos_allocation_run_ms{quantile="0.99"} 2.98',
      'allocator_mesos_allocation_run_ms{quantile="0.999"} 2.998',
      'allocator_mesos_allocation_run_ms{quantile="0.9999"} 2.9998',
      "allocator_mesos_allocation_run_ms_sum 4",
      "allocator_mesos_allocation_run_ms_count 2",
      "# HELP master_tasks_finished_total Finished tasks (Mesos: master/tasks_finished)",
      "# TYPE master_tasks_finished_total counter",
      "master_tasks_finished_total 0",
      "# HELP master_uptime_secs Mesos metric master/uptime_secs",
      "# TYPE master_uptime_secs gauge",
      "master_uptime_secs 1.5",
      "",
    ].join("\n"),
  );
});
