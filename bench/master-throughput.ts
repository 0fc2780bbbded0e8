/**
 * Master launch throughput: tasks from ACCEPT to TASK_RUNNING per second through one master (the
 * compiled binary, its own process) with hollow agents (another process) and frameworks (this
 * process) that launch as many tasks as their offers hold, sustained over a window; with the p50
 * and p99 of ACCEPT -> TASK_RUNNING, and what the master's process used meanwhile.
 * Goal (issue 20): >= 2,000 tasks/s on 2 cores. Anchors: Nomad's C2M about 1,500 placements/s,
 * the Kubernetes scheduler 680-810 pods/s.
 *
 *   npx bun bench/master-throughput.ts [--agents=1000] [--frameworks=10] [--duration=60] [--warmup=10]
 *       [--task_secs=5] [--in_flight=2000] [--allocation_interval=1secs] [--refuse_secs=5] [--registry=in_memory]
 *
 * The frameworks decline what they do not use for --refuse_secs (Mesos's default filter, 5 s):
 * with 1 s, every agent is offered and declined every second whatever the launch rate, and that
 * offer churn, not the launches, is most of what the master (and the frameworks) then do.
 * `--registry=replicated_log` (the master's default) keeps its registry in a SQLite file in a work dir.
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ensureManyFetches } from "./support/hollow-agents.ts";
import { type BenchFramework, startBenchFramework } from "./support/bench-framework.ts";
import { freePort, percentile, processUsage, startHollowProcess, startMasterProcess } from "./support/bench-cluster.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

if (await ensureManyFetches()) {
  const agents = Number(arg("agents", "1000"));
  const frameworks = Number(arg("frameworks", "10"));
  const duration = Number(arg("duration", "60"));
  const warmup = Number(arg("warmup", "10"));
  const taskSecs = Number(arg("task_secs", "5"));
  // Launched and not yet RUNNING, across the frameworks: enough to keep the master busy, few enough
  // that latency measures the master, not a queue of work handed to it at once.
  const inFlight = Number(arg("in_flight", "2000"));
  const refuseSeconds = Number(arg("refuse_secs", "5"));
  const port = freePort();
  // MASTER_CPU_PROFILE=DIR writes the master's CPU profile there (read it with bench/support/cpuprofile-summary.ts).
  const profile = process.env.MASTER_CPU_PROFILE;
  const registry = arg("registry", "in_memory");
  const registryFlags = registry === "in_memory" ? ["--registry=in_memory"] : [`--work_dir=${mkdtempSync(join(tmpdir(), "master-throughput-"))}`];
  const master = await startMasterProcess(
    port,
    [...registryFlags, `--allocation_interval=${arg("allocation_interval", "1secs")}`],
    profile ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {},
  );
  const address = `127.0.0.1:${port}`;
  // HOLLOW_CPU_PROFILE=DIR does the same for the hollow agents' process.
  const hollowProfile = process.env.HOLLOW_CPU_PROFILE;
  const hollow = await startHollowProcess(
    address,
    agents,
    ["--resources=cpus:8;mem:16384;disk:100000;ports:[31000-32000]"],
    hollowProfile ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${hollowProfile}` } : {},
  );
  console.log(
    `master-throughput: ${agents} hollow agents (8 cpus each), ${frameworks} frameworks, tasks of 0.1 cpus running ${taskSecs} s, offers declined for ${refuseSeconds} s; ${navigator.hardwareConcurrency} cpus`,
  );

  const fws: BenchFramework[] = [];
  for (let i = 0; i < frameworks; i++) {
    fws.push(
      await startBenchFramework(address, {
        name: `fw${i}`,
        command: `sleep ${taskSecs}`,
        maxInFlight: Math.ceil(inFlight / frameworks),
        refuseSeconds,
      }),
    );
  }
  await Bun.sleep(warmup * 1000);

  // What the master handled in the window, from its own counters.
  const counters = async () => (await (await fetch(`http://${address}/metrics/snapshot`)).json()) as Record<string, number>;
  const c0 = await counters();
  const t0 = performance.now();
  const m0 = processUsage(master.proc.pid);
  const h0 = processUsage(hollow.proc.pid);
  const a0 = process.cpuUsage();
  await Bun.sleep(duration * 1000);
  const t1 = performance.now();
  const m1 = processUsage(master.proc.pid);
  const h1 = processUsage(hollow.proc.pid);
  const a1 = process.cpuUsage(a0);
  const c1 = await counters();
  for (const fw of fws) fw.launching = false;

  const inWindow = fws.flatMap((fw) => fw.running.filter((r) => r.at >= t0 && r.at < t1));
  const latencies = inWindow.map((r) => r.latency).sort((a, b) => a - b);
  const seconds = (t1 - t0) / 1000;
  const failures = new Map<string, number>();
  for (const fw of fws) for (const [k, n] of fw.failures) failures.set(k, (failures.get(k) ?? 0) + n);
  const pct = (cpu: number) => `${((100 * cpu) / seconds).toFixed(0)}%`;
  console.log(
    `${(inWindow.length / seconds).toFixed(0)} tasks/s reached TASK_RUNNING over ${seconds.toFixed(0)} s ` +
      `(${inWindow.length} tasks); ACCEPT -> RUNNING p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms`,
  );
  console.log(
    `CPU over the window: master ${pct(m1.cpuSeconds - m0.cpuSeconds)}, hollow agents ${pct(h1.cpuSeconds - h0.cpuSeconds)}, ` +
      `frameworks ${pct((a1.user + a1.system) / 1e6)} (of one core); master RSS ${m1.rssMb.toFixed(0)} MB (peak ${m1.peakRssMb.toFixed(0)}); ` +
      `load average ${loadavg()[0]!.toFixed(1)}; tasks not FINISHED: ${failures.size === 0 ? "none" : JSON.stringify(Object.fromEntries(failures))}`,
  );
  const rate = (key: string) => (((c1[key] ?? 0) - (c0[key] ?? 0)) / seconds).toFixed(0);
  console.log(
    `master calls a second: ${rate("master/outstanding_offers_sent")} offers sent, ${rate("master/messages_accept")} ACCEPT, ${rate("master/messages_decline")} DECLINE, ` +
      `${rate("master/messages_status_update")} status updates, ${rate("master/messages_acknowledge")} ACKNOWLEDGE, ${rate("allocator/mesos/allocation_runs")} allocation cycles`,
  );
  // CPU time per task is what a busy machine changes least: it bounds what one core of master can do.
  const perTask = ((m1.cpuSeconds - m0.cpuSeconds) * 1000) / Math.max(1, inWindow.length);
  console.log(`master CPU per task launched: ${perTask.toFixed(2)} ms (${(1000 / perTask).toFixed(0)} tasks/s per core of master)`);
  const perTaskOf = (cpuSeconds: number) => ((cpuSeconds * 1000) / Math.max(1, inWindow.length)).toFixed(2);
  console.log(
    `hollow agents CPU per task: ${perTaskOf(h1.cpuSeconds - h0.cpuSeconds)} ms; frameworks (this process): ${perTaskOf((a1.user + a1.system) / 1e6)} ms`,
  );
  if (process.env.BENCH_DEBUG) {
    const m = (await (await fetch(`http://${address}/metrics/snapshot`)).json()) as Record<string, number>;
    console.log(Object.fromEntries(Object.entries(m).filter(([k]) => /status_update|messages_(accept|decline)|offers|tasks_/.test(k))));
    console.log(hollow.output().slice(-3000));
  }
  for (const fw of fws) fw.close();
  await hollow.kill("SIGTERM");
  await master.kill("SIGTERM");
  process.exit(0);
}
