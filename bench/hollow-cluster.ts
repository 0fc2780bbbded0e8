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
import { ensureManyFetches, startHollowAgents } from "./support/hollow-agents.ts";

const specs = {
  master: flag.string("The master, HOST:PORT", { required: true }),
  agents: flag.count("How many hollow agents", { default: 1000 }),
  resources: flag.string("Each agent's resources", { default: "cpus:8;mem:16384;disk:100000;ports:[31000-32000]" }),
  state: flag.oneOf(["memory", "disk"] as const)("Where the agents keep their checkpoints", { default: "memory" }),
  work_dir: flag.string("Where the agents' work dirs go (default: a temp dir, removed at exit)"),
  task_duration: flag.duration("How long a task whose command is not `sleep N` runs (default: until killed)"),
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
    log: createLogger({ name: "hollow", level: parseLogLevel(f.logging_level) }),
  });
  const built = performance.now();
  console.log(
    `${f.agents} hollow agents built in ${((built - started) / 1000).toFixed(1)} s (${navigator.hardwareConcurrency} cpus); registering with ${f.master}`,
  );
  while (cluster.connected() < f.agents) await Bun.sleep(50);
  console.log(`all ${f.agents} registered ${((performance.now() - built) / 1000).toFixed(1)} s later; Ctrl-C stops them`);
  const stop = () => {
    cluster.stop();
    if (!f.work_dir) rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
