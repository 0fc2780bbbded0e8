/**
 * Hollow agents for any master: `--agents` real agents in this process with a simulated
 * containerizer (tasks run no process: `sleep N` takes N seconds, other commands
 * `--task_duration` or until killed). Point frameworks at the master as usual.
 *
 *   npx bun bench/hollow-cluster.ts --master=127.0.0.1:5050 --agents=1000 \
 *       [--resources='cpus:8;mem:16384;disk:100000;ports:[31000-32000]'] [--state=memory|disk] \
 *       [--work_dir=DIR] [--task_duration=30secs] [--registration_backoff=1secs]
 *
 * Prints how long registration took, then runs until SIGINT or SIGTERM.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, flag, FlagError, formatUsage, parseFlags, parseLogLevel } from "@mesos/core";
import { startCpuProfile } from "./support/cpu-profile.ts";
import { ensureManyFetches, type HollowAgents, startHollowAgents } from "./support/hollow-agents.ts";

const specs = {
  master: flag.string("The master, HOST:PORT", { required: true }),
  agents: flag.count("How many hollow agents", { default: 1000 }),
  resources: flag.string("Each agent's resources", { default: "cpus:8;mem:16384;disk:100000;ports:[31000-32000]" }),
  state: flag.oneOf(["memory", "disk"] as const)("Where the agents keep their checkpoints", { default: "memory" }),
  work_dir: flag.string("Where the agents' work dirs go (default: a temp dir, removed at exit)"),
  task_duration: flag.duration("How long a task whose command is not `sleep N` runs (default: until killed)"),
  prefix: flag.string("Agent i advertises hostname PREFIX-i", { default: "hollow" }),
  registration_backoff: flag.duration("Mesos's random registration delay (spreads the agents out)", { default: 1000 }),
  logging_level: flag.oneOf(["debug", "info", "warning", "error"] as const)("Least severe log level shown (all agents log here)", {
    default: "warning",
  }),
};

if (await ensureManyFetches()) {
  const argv = process.argv.slice(2);
  if (argv.includes("--help")) {
    console.log(formatUsage("hollow-cluster (npx bun bench/hollow-cluster.ts)", specs));
    process.exit(0);
  }
  let f;
  try {
    f = parseFlags(specs, argv).values;
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
  const logLines = linesPerTurn();
  // tmpfs when there is one: sandboxes are real directories, and hollow tasks make many.
  const workDir = f.work_dir ?? mkdtempSync(join(process.platform === "linux" ? "/dev/shm" : tmpdir(), "hollow-"));
  const started = performance.now();
  const cluster = await startHollowAgents({
    master: f.master,
    count: f.agents,
    resources: f.resources,
    state: f.state,
    workDir,
    defaultDurationMs: f.task_duration,
    registrationBackoffMs: f.registration_backoff,
    prefix: f.prefix,
    log: createLogger({ name: "hollow", level: parseLogLevel(f.logging_level), sink: logLines.write }),
  });
  const built = performance.now();
  console.log(
    `${f.agents} hollow agents built in ${((built - started) / 1000).toFixed(1)} s (${navigator.hardwareConcurrency} cpus); registering with ${f.master}`,
  );
  while (cluster.connected() < f.agents) await Bun.sleep(50);
  console.log(`all ${f.agents} registered ${((performance.now() - built) / 1000).toFixed(1)} s later; Ctrl-C stops them`);
  void reportRecoveries(cluster);
  const stop = () => {
    cluster.stop();
    logLines.flush();
    if (!f.work_dir) rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/**
 * Each time the master goes away and every agent is back, prints how the agents came back: the
 * wait from the link dropping to the Attach that worked (Mesos's random backoff, the attempts that
 * found no master, and this process's own CPU) apart from that Attach's answer time (the master).
 */
async function reportRecoveries(cluster: HollowAgents): Promise<void> {
  const n = cluster.agents.length;
  for (;;) {
    while (cluster.connected() === n) await Bun.sleep(100);
    const since = performance.now();
    // Resent on re-registration: status updates the agents were never acknowledged.
    let unacknowledged = 0;
    for (const { agent } of cluster.agents)
      for (const t of agent.ctx.tasks.values()) unacknowledged += agent.ctx.statusUpdates.pending(t.frameworkId, t.info.taskId!.value).length;
    // HOLLOW_CPU_PROFILE=DIR: a profile of this process from the links dropping until every agent is back.
    const profile = process.env.HOLLOW_CPU_PROFILE ? await startCpuProfile(process.env.HOLLOW_CPU_PROFILE, "hollow") : undefined;
    while (cluster.connected() < n || cluster.agents.some((a) => (a.recovery?.at ?? 0) < since)) await Bun.sleep(100);
    await profile?.();
    const back = cluster.agents.map((a) => a.recovery!);
    const firstLost = Math.min(...back.map((r) => r.at - r.waitMs - r.answerMs));
    const q = (values: number[], p: number) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))]!;
    const s = (ms: number) => (ms / 1000).toFixed(2);
    const wait = back.map((r) => r.waitMs);
    const answer = back.map((r) => r.answerMs);
    const starts = back.map((r) => r.at - r.answerMs - firstLost);
    const attempts = back.map((r) => r.attempts);
    console.log(
      `recovery: all ${n} back ${s(Math.max(...back.map((r) => r.at)) - firstLost)} s after the first link dropped; ` +
        `last successful Attach started at ${s(Math.max(...starts))} s (first at ${s(Math.min(...starts))} s); ` +
        `wait before it p50 ${s(q(wait, 0.5))} s, max ${s(q(wait, 1))} s; ` +
        `its answer p50 ${s(q(answer, 0.5))} s, p99 ${s(q(answer, 0.99))} s, max ${s(q(answer, 1))} s; ` +
        `attempts p50 ${q(attempts, 0.5)}, max ${q(attempts, 1)}; ${unacknowledged} status updates unacknowledged when the links dropped; ` +
        // For another process's clock (a bench timing the failover): this line may come out late, its CPU is shared.
        `last back at epoch ms ${Math.round(performance.timeOrigin + Math.max(...back.map((r) => r.at)))}`,
    );
  }
}

/**
 * Where every agent's log lines go: stderr, in one write per turn of the event loop. The agents of
 * a process share it, and when the master goes away each says so at once (2,500 lines, a write
 * each, were a twentieth of a failover's CPU here); a real agent logs those lines alone.
 */
function linesPerTurn(): { write(line: string): void; flush(): void } {
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const text = `${lines.join("\n")}\n`;
    lines = [];
    process.stderr.write(text);
  };
  return {
    write(line) {
      if (lines.length === 0) setImmediate(flush);
      lines.push(line);
    },
    flush,
  };
}
