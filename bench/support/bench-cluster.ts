/**
 * What the master benchmarks share: a master as its own process (the compiled binary, as a user
 * runs it), hollow agents in another (bench/hollow-cluster.ts), and readings of a process's CPU
 * time and memory from /proc.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { JIT_ENV } from "@mesos/mesos/jit-policy";
import { HARNESS_ADDED_ENV } from "./harness-env.ts";

export const ROOT = resolve(import.meta.dir, "../..");

/** The entries of `env` named in `names` that are set. */
function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]!]])));
}

export interface Daemon {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Resolves with the first match of `pattern` in the output (rejects when the process exits first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number>;
}

/** `without`: variables of this process's environment the daemon does not get. */
export function spawnDaemon(cmd: string[], name: string, env: Record<string, string> = {}, without: string[] = []): Daemon {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const key of without) delete merged[key];
  const proc = Bun.spawn(cmd, { stdio: ["ignore", "pipe", "pipe"], env: merged });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      // Keep the tail only: a master at scale logs a lot.
      if (text.length > 1 << 20) text = text.slice(-(1 << 19));
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  return {
    proc,
    output: () => text,
    async waitFor(pattern, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        if (proc.exitCode !== null || proc.signalCode !== null) {
          throw new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}) before printing ${pattern}:\n${text.slice(-4000)}`);
        }
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} from ${name}`);
        await Bun.sleep(50);
      }
    },
    async kill(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
}

/** The compiled binary (built by `npm run build`); MESOS_BINARY=PATH runs another build (to compare two side by side). */
export function mesosBinary(): string {
  const bin = process.env.MESOS_BINARY ?? join(ROOT, "dist/mesos");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first`);
  return bin;
}

/** "NAME=VALUE,NAME=VALUE" as an environment (MASTER_ENV, MASTER_ENV_B: settings to compare). */
export function envList(text: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (text ?? "")
      .split(",")
      .filter((kv) => kv.includes("="))
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
}

/**
 * A master process on `port`; resolves once it listens. `binary`: another build than mesosBinary()'s.
 * MASTER_ENV="NAME=VALUE,..." adds to every master's environment (e.g. JSC's BUN_JSC_* options to try).
 */
export async function startMasterProcess(port: number, flags: string[] = [], env: Record<string, string> = {}, binary?: string): Promise<Daemon> {
  // The harness's allocator settings are its own processes' (hollow-agents.ts): the master runs as a user runs it.
  const harnessOnly = (process.env[HARNESS_ADDED_ENV] ?? "").split(",").filter((name) => name !== "" && !(name in env));
  harnessOnly.push(HARNESS_ADDED_ENV);
  const master = spawnDaemon(
    [binary ?? mesosBinary(), "master", "--ip=127.0.0.1", `--port=${port}`, "--logging_level=warning", ...flags],
    "the master",
    { ...envList(process.env.MASTER_ENV), ...env },
    harnessOnly,
  );
  await waitForHealth(`http://127.0.0.1:${port}`, master);
  return master;
}

export async function waitForHealth(url: string, daemon: Daemon, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (daemon.proc.exitCode !== null || daemon.proc.signalCode !== null) {
      throw new Error(`exited (${daemon.proc.exitCode ?? daemon.proc.signalCode}):\n${daemon.output().slice(-4000)}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    await Bun.sleep(50);
  }
  throw new Error(`${url} did not become healthy`);
}

/**
 * `count` hollow agents in their own process, registered with the master. The process runs with
 * the JIT policy `mesos agent` has (apps/mesos/src/jit-policy.ts), unless the environment sets it.
 */
export async function startHollowProcess(master: string, count: number, extra: string[] = [], env: Record<string, string> = {}): Promise<Daemon> {
  const hollow = spawnDaemon(
    [process.execPath, join(ROOT, "bench/hollow-cluster.ts"), `--master=${master}`, `--agents=${count}`, ...extra],
    "the hollow agents",
    { ...JIT_ENV, ...pick(process.env, Object.keys(JIT_ENV)), ...env },
  );
  await hollow.waitFor(/all \d+ registered/);
  return hollow;
}

/** A process's CPU seconds (user + system) and resident memory, from /proc. */
export function processUsage(pid: number): { cpuSeconds: number; systemSeconds: number; minorFaults: number; rssMb: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? 0);
  return {
    cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100,
    systemSeconds: Number(stat[12]) / 100,
    minorFaults: Number(stat[7]),
    rssMb: kb("VmRSS") / 1024,
    peakRssMb: kb("VmHWM") / 1024,
  };
}

/**
 * A process's CPU seconds per kind of thread (threads named alike summed: JSC's JIT compilers
 * "JITWorker", its collector's helpers "HeapHelper", the JS thread under the process's own name), from /proc.
 */
export function threadUsage(pid: number): Map<string, number> {
  const usage = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
      usage.set(name, (usage.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return usage;
}

/** `after`'s CPU per kind of thread less `before`'s, the largest first: "bun 2.1, JITWorker 1.2, ...". */
export function threadUsageText(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const)
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(1)}`)
    .join(", ");
}

export function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

/** Polls `check` every 100 ms until it holds (benches wait for large clusters: an hour by default). */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3_600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

/**
 * Connections the kernel dropped since boot (every process's listeners) because a listener's accept queue was full (TcpExt
 * ListenOverflows): a master that falls behind accepting makes clients wait out SYN retries (1, 3, 7 s...).
 */
export function listenOverflows(): number {
  const lines = readFileSync("/proc/net/netstat", "utf8").split("\n");
  const names = lines.find((l) => l.startsWith("TcpExt:"))?.split(" ");
  const values = lines.filter((l) => l.startsWith("TcpExt:"))[1]?.split(" ");
  const i = names?.indexOf("ListenOverflows") ?? -1;
  return i > 0 && values ? Number(values[i]) : 0;
}
