/**
 * The compiled `dist/mesos` for end-to-end tests, and helpers to run it as real processes.
 * `npm test` builds it first; running a test file directly builds it if it is missing.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { REPO_ROOT } from "./cluster.ts";

export const MESOS_BINARY = join(REPO_ROOT, "dist/mesos");

export function ensureBinary(): string {
  if (!existsSync(MESOS_BINARY)) {
    const r = Bun.spawnSync([process.execPath, join(REPO_ROOT, "scripts/build.ts")], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.exitCode !== 0) throw new Error("building dist/mesos failed");
  }
  return MESOS_BINARY;
}

export interface Daemon {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<number>;
}

const daemons: Daemon[] = [];

/** Starts `mesos ARGS...` in the background, collecting its output. */
export function startDaemon(args: string[], env: Record<string, string> = {}): Daemon {
  const proc = Bun.spawn([ensureBinary(), ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const daemon: Daemon = {
    proc,
    output: () => text,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        if (proc.exitCode !== null) throw new Error(`mesos ${args[0]} exited (${proc.exitCode}) before printing ${pattern}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} from mesos ${args[0]}:\n${text}`);
        await Bun.sleep(25);
      }
    },
    async kill(signal = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
  daemons.push(daemon);
  return daemon;
}

export async function stopAllDaemons(): Promise<void> {
  for (const d of daemons.splice(0)) await d.kill("SIGKILL");
}

/** Runs `mesos ARGS...` to completion. */
export async function runMesos(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([ensureBinary(), ...args], { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
