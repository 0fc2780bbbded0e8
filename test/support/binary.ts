/**
 * The compiled `dist/mesos` for end-to-end tests, and helpers to run it as real processes.
 * `npm test` builds it first; running a test file directly builds it if it is missing.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./cluster.ts";
import { type Daemon, startProcess, stopAllProcesses } from "./processes.ts";

/** `MESOS_TEST_BINARY` overrides it (the VM tests run a copy on the guest's tmpfs, not over 9p). */
export const MESOS_BINARY = process.env.MESOS_TEST_BINARY ?? join(REPO_ROOT, "dist/mesos");

export function ensureBinary(): string {
  if (!existsSync(MESOS_BINARY)) {
    const r = Bun.spawnSync([process.execPath, join(REPO_ROOT, "scripts/build.ts")], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.exitCode !== 0) throw new Error("building dist/mesos failed");
  }
  return MESOS_BINARY;
}

export type { Daemon } from "./processes.ts";

/** Starts `mesos ARGS...` (the compiled binary) in the background, collecting its output. */
export function startDaemon(args: string[], env: Record<string, string> = {}): Daemon {
  return startProcess([ensureBinary(), ...args], `mesos ${args[0]}`, env);
}

export const stopAllDaemons = stopAllProcesses;

/**
 * A master on a fixed port and work dir, started anew by each call (kill -9 and restart tests):
 * the returned function resolves once it listens.
 */
export function restartableMaster(port: number, workDir: string, allocationInterval: string, listenTimeoutMs = 30_000): () => Promise<Daemon> {
  return async () => {
    const m = startDaemon(["master", `--work_dir=${workDir}`, "--ip=127.0.0.1", `--port=${port}`, `--allocation_interval=${allocationInterval}`]);
    await m.waitFor(/listening on/, listenTimeoutMs);
    return m;
  };
}

/** Runs `mesos ARGS...` to completion; `env` replaces the environment when given, `stdin` is fed and closed. */
export async function runMesos(
  args: string[],
  timeoutMs = 60_000,
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([ensureBinary(), ...args], {
    stdio: [options.stdin === undefined ? "ignore" : new Blob([options.stdin]), "pipe", "pipe"],
    timeout: timeoutMs,
    env: options.env,
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
