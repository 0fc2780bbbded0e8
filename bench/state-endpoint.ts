/**
 * What reading the master's state costs at scale: `GET /state`, `/state-summary`, `/master/tasks`,
 * and `GET_STATE` (v1 operator API, JSON and protobuf), each alone (p50/p99 of `--reads`) and with
 * 10 readers at once (batched as Mesos 1.8 does, MESOS-9158), then again while a framework churns
 * short tasks (the state changes between reads). Bytes of each answer. Issue 20's goal: ≤ 0.5 s at
 * 10,000 agents and 100,000 tasks (Mesos 1.7: 3.2 s for 20k agents / 400k tasks).
 *
 *   npx bun bench/state-endpoint.ts [--agents=10000] [--tasks=100000] [--frameworks=10] [--reads=20] [--churn_refuse_secs=1]
 *
 * The master is the compiled binary with `--agents` hollow agents (bench/hollow-cluster.ts) running
 * `--tasks` tasks launched by `--frameworks` bench frameworks, as a user's cluster would have them.
 * The reads start once the cluster has settled (no offer made for 3 s: every framework has declined
 * what is left for an hour), after the master's CPU without readers is measured over a ping period
 * (15 s). MASTER_CPU_PROFILE=DIR writes the master's CPU profile there (bench/support/cpuprofile-summary.ts).
 *
 * The churning framework keeps at most 20 tasks in flight and declines what it cannot use with a
 * `--churn_refuse_secs` filter (default 1): the worst case, where every allocation cycle offers it
 * about half the agents. A framework following Mesos's guide (docs/app-framework-development-guide.md:
 * decline with a long timeout such as an hour, SUPPRESS when there is nothing to launch) would be
 * offered far fewer; one that sets no filter gets Mesos's default, 5 s.
 */
import { loadavg } from "node:os";
import { ensureManyFetches } from "./support/hollow-agents.ts";
import { type BenchFramework, startBenchFramework } from "./support/bench-framework.ts";
import { freePort, percentile, processUsage, startHollowProcess, startMasterProcess, waitUntil } from "./support/bench-cluster.ts";
import { bodyLength } from "./support/body-length.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const load = () => `load ${loadavg()[0]!.toFixed(1)} on ${navigator.hardwareConcurrency} cpus`;

if (await ensureManyFetches()) {
  const agents = Number(arg("agents", "10000"));
  const tasks = Number(arg("tasks", "100000"));
  const frameworks = Number(arg("frameworks", "10"));
  const reads = Number(arg("reads", "20"));
  const churnRefuseSecs = Number(arg("churn_refuse_secs", "1"));
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const address = `127.0.0.1:${port}`;
  const profile = process.env.MASTER_CPU_PROFILE;
  const master = await startMasterProcess(port, ["--registry=in_memory"], profile ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` } : {});
  const perAgent = Math.ceil(tasks / agents);
  const hollow = await startHollowProcess(address, agents, [
    `--resources=cpus:${(perAgent * 0.1 + 0.1).toFixed(1)};mem:${perAgent * 32 + 64};disk:1000`,
  ]);
  const fws: BenchFramework[] = [];
  for (let i = 0; i < frameworks; i++) {
    fws.push(await startBenchFramework(address, { name: `fw${i}`, command: "sleep 1000000", maxTasks: Math.ceil(tasks / frameworks) }));
  }
  const running = () => fws.reduce((n, f) => n + f.live.size, 0);
  await waitUntil(() => running() >= tasks, `${tasks} running tasks`);
  for (const f of fws) f.launching = false;
  console.log(`state-endpoint: ${agents} hollow agents, ${running()} running tasks, ${frameworks} frameworks; ${load()}`);

  const v1 = (accept: string) => () =>
    fetch(`${url}/api/v1`, { method: "POST", body: '{"type":"GET_STATE"}', headers: { "Content-Type": "application/json", Accept: accept } });
  const endpoints: [string, () => Promise<Response>][] = [
    ["GET /state", () => fetch(`${url}/state`)],
    ["GET /state-summary", () => fetch(`${url}/state-summary`)],
    ["GET /master/tasks?limit=100", () => fetch(`${url}/master/tasks?limit=100`)],
    ["GET_STATE (JSON)", v1("application/json")],
    ["GET_STATE (protobuf)", v1("application/x-protobuf")],
  ];
  const one = async (read: () => Promise<Response>) => {
    const t = performance.now();
    const res = await read();
    const bytes = await bodyLength(res);
    if (!res.ok) throw new Error(`${res.status}`);
    return { ms: performance.now() - t, bytes };
  };
  const offersSent = async () =>
    ((await (await fetch(`${url}/metrics/snapshot`)).json()) as Record<string, number>)["master/outstanding_offers_sent"];
  /** Until no offer was made for 3 s (at most a minute): the frameworks have declined what is left. */
  const settle = async () => {
    for (let i = 0, last = await offersSent(); i < 20; i++) {
      await Bun.sleep(3000);
      const now = await offersSent();
      if (now === last) return;
      last = now;
    }
  };
  const metric = async (name: string) => ((await (await fetch(`${url}/metrics/snapshot`)).json()) as Record<string, number>)[name] ?? 0;
  const measure = async (label: string, idleSeconds = 15, windows = 1) => {
    // What the master spends with no reader (agents' pings, offers): part of every read's CPU below.
    // In windows, each with its allocation runs (a skipped quiet cycle counts, in well under 1 ms) and
    // what could wake full cycles: offers made, agents re-registering (their links dropped) or removed.
    const idles: string[] = [];
    for (let w = 0; w < windows; w++) {
      const counted = ["allocator/mesos/allocation_runs", "master/outstanding_offers_sent", "master/slave_reregistrations", "master/slave_removals"];
      const before = await Promise.all(counted.map(metric));
      const idle0 = processUsage(master.proc.pid).cpuSeconds;
      await Bun.sleep(idleSeconds * 1000);
      const idle = ((processUsage(master.proc.pid).cpuSeconds - idle0) / idleSeconds) * 1000;
      const [runs, offers, reregistered, removed] = (await Promise.all(counted.map(metric))).map((n, i) => n - before[i]!);
      const [p50, max] = [await metric("allocator/mesos/allocation_run_ms/p50"), await metric("allocator/mesos/allocation_run_ms/max")];
      idles.push(
        `${idle.toFixed(0)} ms a second (${load()}; ${runs} allocation runs, p50 ${p50.toFixed(1)} ms, max ${max.toFixed(0)} ms; ` +
          `${offers} offers, ${reregistered} agents re-registered, ${removed} removed)`,
      );
    }
    console.log(`${label}; the master's CPU without readers: ${idles.join(", ")}`);
    for (const [name, read] of endpoints) {
      // The first read encodes what changed since the last one (after start-up: everything); counted apart.
      const firstCpu0 = processUsage(master.proc.pid).cpuSeconds;
      const first = await one(read);
      const firstCpu = processUsage(master.proc.pid).cpuSeconds - firstCpu0;
      const cpu0 = processUsage(master.proc.pid).cpuSeconds;
      const alone: number[] = [];
      let bytes = 0;
      for (let i = 0; i < reads; i++) {
        const r = await one(read);
        alone.push(r.ms);
        bytes = r.bytes;
      }
      const cpu = (processUsage(master.proc.pid).cpuSeconds - cpu0) / reads;
      alone.sort((a, b) => a - b);
      const t = performance.now();
      const together = await Promise.all(Array.from({ length: 10 }, () => one(read)));
      const all = performance.now() - t;
      console.log(
        `  ${name.padEnd(28)} ${(bytes / 2 ** 20).toFixed(2).padStart(6)} MB  alone p50 ${percentile(alone, 0.5).toFixed(0).padStart(5)} ms` +
          ` p99 ${percentile(alone, 0.99).toFixed(0).padStart(5)} ms (master CPU ${(cpu * 1000).toFixed(0)} ms a read;` +
          ` first read ${first.ms.toFixed(0)} ms, ${(firstCpu * 1000).toFixed(0)} ms CPU)` +
          `  10 at once: all in ${all.toFixed(0)} ms, slowest ${Math.max(...together.map((r) => r.ms)).toFixed(0)} ms`,
      );
    }
  };
  await settle();
  await measure("steady state", 10, 3);
  // Churn: short tasks keep changing the state between reads (no answer can be reused as is).
  const churn = await startBenchFramework(address, {
    name: "churn",
    command: "sleep 1",
    maxInFlight: 20,
    perOffer: 5,
    refuseSeconds: churnRefuseSecs,
  });
  await Bun.sleep(3000);
  const finished0 = churn.finished;
  const t0 = performance.now();
  await measure(`while a framework churns short tasks (declining for ${churnRefuseSecs} s)`, 3);
  console.log(`  (churn: ${((churn.finished - finished0) / ((performance.now() - t0) / 1000)).toFixed(1)} tasks finished a second during the reads)`);
  churn.close();
  for (const f of fws) f.close();
  await hollow.kill("SIGTERM");
  await master.kill("SIGTERM");
  process.exit(0);
}
