/**
 * Master failover at scale, and what reading its state costs there. A master (the compiled binary,
 * SQLite registry) with `--agents` hollow agents and `--frameworks` frameworks running `--tasks`
 * tasks (they run until killed):
 *   1. GET /state and GET_STATE (v1 operator API, JSON): latency and bytes, alone and with 10
 *      readers at once; the master's RSS and JS heap with no agents, with the agents, with the tasks;
 *   2. kill -9 of the master and a restart on the same address and work dir: the time until the
 *      master answers, until every agent has re-registered, until every framework has subscribed
 *      again, and until every framework has had every task confirmed RUNNING by reconciliation.
 * Goals (issue 20): failover <= 5 s (Mesos 1.5: 40k agents / 400k tasks in 19 s); /state <= 0.5 s
 * (Mesos 1.7: 3.2 s for 20k agents / 400k tasks).
 *
 *   npx bun bench/master-failover.ts [--agents=10000] [--tasks=100000] [--frameworks=10] [--state_reads=false]
 *       [--agents_per_process=2500] [--failovers=1]
 *   MESOS_BINARY_B=PATH, MASTER_ENV_B="NAME=VALUE,...": with --failovers=N > 1, every second restart runs
 *       that build or with those settings (A/B on one cluster, back to back; MASTER_ENV: every master)
 *   HOLLOW_ENV="NAME=VALUE,...", HOLLOW_OUTPUT=PATH: settings for the hollow agents' processes, and their output kept in PATH.N.I
 *   RECONCILE_LOG=1: each framework's RECONCILE calls, when sent and answered (epoch ms, as the agents' recovery lines)
 *   RECONCILE_B=all: with --failovers=N > 1, every second failover the frameworks ask about every unanswered
 *       task each round instead of one task per agent not heard of yet (bench/support/reconcile-probes.ts)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { HUGE_PAGES_ENV } from "@mesos/mesos/huge-pages";
import { JIT_ENV } from "@mesos/mesos/jit-policy";
import { KEEP_FREED_MEMORY_ENV } from "@mesos/mesos/keep-freed-memory";
import { startCpuProfile } from "./support/cpu-profile.ts";
import { ensureManyFetches } from "./support/hollow-agents.ts";
import { type BenchFramework, startBenchFramework } from "./support/bench-framework.ts";
import { bodyLength } from "./support/body-length.ts";
import {
  type Daemon,
  envList,
  freePort,
  listenOverflows,
  percentile,
  processUsage,
  startHollowProcess,
  threadUsage,
  threadUsageText,
  startMasterProcess,
  waitUntil,
} from "./support/bench-cluster.ts";

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

if (await ensureManyFetches()) {
  const agents = Number(arg("agents", "10000"));
  const tasks = Number(arg("tasks", "100000"));
  const frameworks = Number(arg("frameworks", "10"));
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const address = `127.0.0.1:${port}`;
  const workDir = mkdtempSync(join(tmpdir(), "bench-failover-"));
  const masterFlags = [`--work_dir=${workDir}`];
  // MASTER_CPU_PROFILE=DIR writes the masters' CPU profiles there (bench/support/cpuprofile-summary.ts reads them).
  const profile = process.env.MASTER_CPU_PROFILE;
  // A profiled master gets its daemon settings here rather than by its own execve: the sampler's
  // SIGPWR, pending at the execve, killed the new image (its handler not yet installed).
  const masterEnv: Record<string, string> = profile
    ? { BUN_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}`, ...JIT_ENV, ...KEEP_FREED_MEMORY_ENV, ...HUGE_PAGES_ENV }
    : {};
  // HOLLOW_CPU_PROFILE=DIR: the hollow agents' processes write a profile of the failover there (bench/hollow-cluster.ts);
  // FRAMEWORKS_CPU_PROFILE=DIR: this process (the frameworks) writes one from the kill until every task is reconciled.
  // HOLLOW_ENV="NAME=VALUE,...": added to the hollow agents' processes (e.g. BUN_JSC_logGC=1, with HOLLOW_OUTPUT to keep what they print).
  const hollowEnv: Record<string, string> = {
    ...envList(process.env.HOLLOW_ENV),
    ...(process.env.HOLLOW_CPU_PROFILE ? { HOLLOW_CPU_PROFILE: process.env.HOLLOW_CPU_PROFILE } : {}),
  };
  const metrics = async () => (await (await fetch(`${url}/metrics/snapshot`)).json()) as Record<string, number>;
  const memory = async (label: string) => {
    const m = await metrics();
    const mb = (b: number) => (b / 2 ** 20).toFixed(0);
    console.log(`  master memory ${label}: RSS ${mb(m["process/memory_rss_bytes"]!)} MB, JS heap ${mb(m["process/js_heap_used_bytes"]!)} MB`);
    return m;
  };

  let master: Daemon = await startMasterProcess(port, masterFlags, masterEnv);
  console.log(`master-failover: ${agents} hollow agents, ${tasks} tasks from ${frameworks} frameworks; ${navigator.hardwareConcurrency} cpus`);
  const bare = await memory("with nothing");
  const perAgent = Math.ceil(tasks / agents);
  const started = performance.now();
  // Several processes of at most --agents_per_process: each hollow agent holds a connection of its
  // own (its link) as a real one does, and a process may not open more than `ulimit -n` files.
  const perProcess = Number(arg("agents_per_process", "2500"));
  const hollows = await Promise.all(
    Array.from({ length: Math.ceil(agents / perProcess) }, (_, i) => {
      const count = Math.min(perProcess, agents - i * perProcess);
      return startHollowProcess(
        address,
        count,
        [`--resources=cpus:${(perAgent * 0.1 + 0.1).toFixed(1)};mem:${perAgent * 32 + 64};disk:1000`, `--prefix=hollow${i}`],
        // Every fetch in flight is a connection: the links plus some room for the agents' calls
        // (with room for only 64, as many as Bun keeps open, pongs queued behind status updates
        // for longer than 5 pings when the master got 7% of a core, and 4,464 agents went unreachable).
        { BUN_CONFIG_MAX_HTTP_REQUESTS: String(count + 500), ...hollowEnv },
      );
    }),
  );
  const hollowCpu = () => hollows.reduce((n, h) => n + processUsage(h.proc.pid).cpuSeconds, 0);
  const hollowSystem = () => hollows.reduce((n, h) => n + processUsage(h.proc.pid).systemSeconds, 0);
  /** This process's CPU seconds: the frameworks (subscribing again, reconciling) and its polling. */
  const ownCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  console.log(`  ${agents} agents registered in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const withAgents = await memory(`with ${agents} agents`);

  const fws: BenchFramework[] = [];
  for (let i = 0; i < frameworks; i++) {
    fws.push(
      await startBenchFramework(address, {
        name: `fw${i}`,
        command: "sleep 1000000",
        failoverTimeout: 604800,
        maxTasks: Math.ceil(tasks / frameworks),
      }),
    );
  }
  const launchStart = performance.now();
  const overflowsAtLaunch = listenOverflows();
  const masterCpuAtLaunch = processUsage(master.proc.pid).cpuSeconds;
  const runningNow = () => fws.reduce((n, f) => n + f.live.size, 0);
  let lastReport = 0;
  await waitUntil(() => {
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      const failed = new Map<string, number>();
      for (const f of fws) for (const [state, n] of f.failures) failed.set(state, (failed.get(state) ?? 0) + n);
      const usage = `master ${processUsage(master.proc.pid).cpuSeconds.toFixed(0)} CPU s, ${listenOverflows() - overflowsAtLaunch} connections dropped machine-wide; load ${loadavg()[0]!.toFixed(1)}`;
      console.log(
        `  ... ${runningNow()} tasks running (${usage})${failed.size > 0 ? `; ended: ${[...failed].map(([s, n]) => `${n} ${s}`).join(", ")}` : ""}`,
      );
    }
    return runningNow() >= tasks;
  }, `${tasks} running tasks`);
  const launchSecs = (performance.now() - launchStart) / 1000;
  console.log(
    `  ${tasks} tasks running after ${launchSecs.toFixed(0)} s (${(tasks / launchSecs).toFixed(0)} tasks/s; ${(((processUsage(master.proc.pid).cpuSeconds - masterCpuAtLaunch) / tasks) * 1000).toFixed(2)} ms of master CPU a task; ${listenOverflows() - overflowsAtLaunch} connections dropped by full accept queues (machine-wide))`,
  );
  // A steady cluster fails over: every update acknowledged (else each agent resends its unacknowledged
  // updates on re-registering: at load 15, resending them was half of the hollow agents' failover CPU in a profile).
  const acksFrom = performance.now();
  let lastAckReport = acksFrom;
  await waitUntil(() => {
    const left = fws.reduce((n, f) => n + f.acknowledging, 0);
    if (left > 0 && performance.now() - lastAckReport > 30_000) {
      lastAckReport = performance.now();
      console.log(`  ... ${left} acknowledgements queued or unanswered (load ${loadavg()[0]!.toFixed(1)})`);
    }
    return left === 0;
  }, "every update to be acknowledged");
  console.log(`  every update acknowledged ${((performance.now() - acksFrom) / 1000).toFixed(1)} s later`);
  await Bun.sleep(2000);
  const withTasks = await memory(`with ${tasks} tasks`);
  const delta = (a: Record<string, number>, b: Record<string, number>, key: string, per: number) => ((b[key]! - a[key]!) / 2 ** 20 / per).toFixed(1);
  console.log(
    `  per 1,000 agents: RSS ${delta(bare, withAgents, "process/memory_rss_bytes", agents / 1000)} MB, heap ${delta(bare, withAgents, "process/js_heap_used_bytes", agents / 1000)} MB; ` +
      `per 10,000 tasks: RSS ${delta(withAgents, withTasks, "process/memory_rss_bytes", tasks / 10000)} MB, heap ${delta(withAgents, withTasks, "process/js_heap_used_bytes", tasks / 10000)} MB`,
  );

  // Reading the state: alone, then 10 readers at once (Mesos 1.8 batches concurrent readers, MESOS-9158).
  const reads = async (name: string, read: () => Promise<Response>) => {
    const one = async () => {
      const t = performance.now();
      const bytes = await bodyLength(await read());
      return { ms: performance.now() - t, bytes };
    };
    const alone: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const r = await one();
      alone.push(r.ms);
      bytes = r.bytes;
    }
    const t = performance.now();
    const together = await Promise.all(Array.from({ length: 10 }, one));
    const all = (performance.now() - t) / 1000;
    console.log(
      `  ${name}: ${(bytes / 2 ** 20).toFixed(1)} MB; alone p50 ${percentile(
        alone.sort((a, b) => a - b),
        0.5,
      ).toFixed(0)} ms; ` + `10 at once: all answered in ${all.toFixed(2)} s, slowest ${Math.max(...together.map((r) => r.ms)).toFixed(0)} ms`,
    );
  };
  if (arg("state_reads", "true") !== "false") {
    await reads("GET /state", () => fetch(`${url}/state`));
    await reads("GET_STATE (v1, JSON)", () =>
      fetch(`${url}/api/v1`, {
        method: "POST",
        body: '{"type":"GET_STATE"}',
        headers: { "Content-Type": "application/json", Accept: "application/json" },
      }),
    );
  }

  // The failovers: --failovers=N kills and restarts the master N times in a row. With
  // MESOS_BINARY_B=PATH and/or MASTER_ENV_B="NAME=VALUE,..." every second restart (the 2nd, 4th, ...)
  // runs that binary or with those settings: an A/B comparison on the same cluster, back to back.
  const failovers = Number(arg("failovers", "1"));
  const binaryB = process.env.MESOS_BINARY_B;
  const envB = envList(process.env.MASTER_ENV_B);
  const reconcileAllB = process.env.RECONCILE_B === "all";
  const variantB = binaryB !== undefined || Object.keys(envB).length > 0 || reconcileAllB;
  const hollowThreads = () => {
    const sum = new Map<string, number>();
    for (const h of hollows) for (const [name, s] of threadUsage(h.proc.pid)) sum.set(name, (sum.get(name) ?? 0) + s);
    return sum;
  };
  for (let round = 1; round <= failovers; round++) {
    const b = variantB && round % 2 === 0;
    const label = failovers > 1 ? ` [failover ${round} of ${failovers}${variantB ? `, ${b ? "B" : "A"}` : ""}]` : "";
    const [hollowCpuBefore, hollowSystemBefore, ownCpuBefore] = [hollowCpu(), hollowSystem(), ownCpu()];
    const hollowThreadsBefore = hollowThreads();
    const ownThreadsBefore = threadUsage(process.pid);
    for (const f of fws) f.reconcileByAgent = !(b && reconcileAllB);
    const frameworksProfile = process.env.FRAMEWORKS_CPU_PROFILE
      ? await startCpuProfile(process.env.FRAMEWORKS_CPU_PROFILE, "frameworks")
      : undefined;
    await master.kill("SIGKILL");
    const killed = performance.now();
    const overflowsAtKill = listenOverflows();
    const since = () => ((performance.now() - killed) / 1000).toFixed(1);
    master = await startMasterProcess(port, masterFlags, b ? { ...masterEnv, ...envB } : masterEnv, b ? binaryB : undefined);
    const cpu = () => processUsage(master.proc.pid).cpuSeconds.toFixed(1);
    /** CPU s spent so far: the master's (its kernel share, its page faults), the hollow agents' (theirs), this process's frameworks'. */
    const cpuSplit = () => {
      const m = processUsage(master.proc.pid);
      const h = (hollowCpu() - hollowCpuBefore).toFixed(1);
      const hs = (hollowSystem() - hollowSystemBefore).toFixed(1);
      return `master ${m.cpuSeconds.toFixed(1)} (system ${m.systemSeconds.toFixed(1)}, ${(m.minorFaults / 1000).toFixed(0)}k minor faults, RSS ${m.rssMb.toFixed(0)} MB), hollow agents ${h} (system ${hs}), frameworks ${(ownCpu() - ownCpuBefore).toFixed(1)}`;
    };
    console.log(`  kill -9, restart${label}: the master answers after ${since()} s (${cpu()} CPU s)`);
    // The agents say when they are all back (the master answers an Attach once it has handled it);
    // polling the master's metrics meanwhile would cost it CPU (they sum every task). Each hollow
    // process prints a recovery line per failover: this one's says its agents were back after the kill
    // (the output kept is its tail, so earlier lines may be gone).
    const killedAtEpoch = performance.timeOrigin + killed;
    const recoveries = await Promise.all(
      hollows.map(async (h) => {
        for (;;) {
          const line = h
            .output()
            .match(/recovery: .*/g)
            ?.at(-1);
          if (line && Number(line.match(/last back at epoch ms (\d+)/)?.[1]) > killedAtEpoch) return line;
          if (h.proc.exitCode !== null || h.proc.signalCode !== null) throw new Error(`hollow agents exited:\n${h.output().slice(-4000)}`);
          await Bun.sleep(50);
        }
      }),
    );
    // Timed by the agents themselves: this process hears of it late (it decodes the frameworks' 100,000 reconciliation answers meanwhile).
    const lastBack = Math.max(...recoveries.map((r) => Number(r.match(/last back at epoch ms (\d+)/)![1]))) - performance.timeOrigin;
    console.log(
      `  every agent re-registered after ${((lastBack - killed) / 1000).toFixed(1)} s (this process heard it after ${since()} s; CPU s, the master's since its start: ${cpuSplit()}); load average ${loadavg()[0]!.toFixed(1)}; ${listenOverflows() - overflowsAtKill} connections dropped by full accept queues (machine-wide)`,
    );
    // Where the CPU goes beyond the JS thread: JSC's compilers (a restarted master runs cold code) and collector.
    console.log(
      `  CPU s by thread: the master ${threadUsageText(new Map(), threadUsage(master.proc.pid))}; the hollow agents ${threadUsageText(hollowThreadsBefore, hollowThreads())}`,
    );
    for (const [i, recovery] of recoveries.entries()) console.log(`  hollow agents (process ${i + 1} of ${hollows.length}) ${recovery}`);
    await waitUntil(() => fws.every((f) => f.resubscribedAt !== undefined && f.resubscribedAt > killed), "every framework to subscribe again");
    console.log(`  every framework subscribed again after ${((Math.max(...fws.map((f) => f.resubscribedAt!)) - killed) / 1000).toFixed(1)} s`);
    await waitUntil(() => fws.every((f) => f.reconciledAt !== undefined), "every task to be reconciled");
    const reconciled = Math.max(...fws.map((f) => f.reconciledAt!));
    await frameworksProfile?.();
    console.log(
      `  every task reconciled RUNNING after ${((reconciled - killed) / 1000).toFixed(1)} s${label} (CPU s by ${since()} s: ${cpuSplit()}); load average ${loadavg()[0]!.toFixed(1)}`,
    );
    const calls = fws.reduce((n, f) => n + f.reconcileCalls, 0);
    const asked = fws.reduce((n, f) => n + f.reconcileAsked, 0);
    console.log(
      `  RECONCILE: ${calls} calls asked about ${asked} tasks (${fws[0]!.reconcileByAgent ? "one per agent until it answers" : "every unanswered task each round"}); the frameworks' CPU s by thread: ${threadUsageText(ownThreadsBefore, threadUsage(process.pid))}`,
    );
    // Asked only now: the metrics sum every task (1-2 s of the master's CPU at 100,000 tasks, which went to reconciliation when asked earlier).
    const connected = (await metrics())["master/slaves_connected"];
    if (connected !== agents) throw new Error(`The agents are back but the master counts ${connected} connected`);
    // MASTER_OUTPUT=PATH: the restarted master's output (its tail) goes to PATH.N for failover N (e.g. with MASTER_ENV=BUN_JSC_logGC=1).
    if (process.env.MASTER_OUTPUT) writeFileSync(`${process.env.MASTER_OUTPUT}.${round}`, master.output());
    // HOLLOW_OUTPUT=PATH: hollow process i's output (its tail) goes to PATH.N.i after failover N.
    if (process.env.HOLLOW_OUTPUT)
      for (const [i, h] of hollows.entries()) writeFileSync(`${process.env.HOLLOW_OUTPUT}.${round}.${i + 1}`, h.output());
    // The next failover starts from a settled master (its acknowledgements and first pings done).
    if (round < failovers) await Bun.sleep(5000);
  }

  const stopped = (d: Daemon, name: string) =>
    Promise.race([
      d.kill("SIGTERM"),
      Bun.sleep(30_000).then(() => (console.log(`  ${name} still running 30 s after SIGTERM; killing it`), d.kill("SIGKILL"))),
    ]);
  // The master first: its profile (MASTER_CPU_PROFILE) is then of the failover, not of the agents' shutdown too.
  await stopped(master, "the master");
  for (const fw of fws) fw.close();
  await Promise.all(hollows.map((h) => stopped(h, "the hollow agents")));
  rmSync(workDir, { recursive: true, force: true });
  process.exit(0);
}
