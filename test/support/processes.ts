/**
 * Long-running processes under test (daemons of the compiled binary, agents run from source):
 * their output is collected so a test can wait for a line, and every one is killed by
 * `stopAllProcesses` after the file, with the containers left under their work and runtime
 * directories (a killed agent leaves its containers running, for the next one to recover).
 */
import type { Subprocess } from "bun";
import { killContainersUnder } from "./container-sweep.ts";

export interface Daemon {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<number>;
}

const running: Daemon[] = [];
/** The work and runtime directories of every process started since the last `stopAllProcesses`. */
const containerDirs = new Set<string>();

export function startProcess(cmd: string[], name: string, env: Record<string, string> = {}): Daemon {
  for (const arg of [...cmd, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)]) {
    const dir = /^(?:--|MESOS_)(?:work_dir|runtime_dir|WORK_DIR|RUNTIME_DIR)=(.+)$/.exec(arg)?.[1];
    if (dir) containerDirs.add(dir);
  }
  const proc = Bun.spawn(cmd, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
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
        if (proc.exitCode !== null) throw new Error(`${name} exited (${proc.exitCode}) before printing ${pattern}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} from ${name}:\n${text}`);
        await Bun.sleep(25);
      }
    },
    async kill(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
  running.push(daemon);
  return daemon;
}

export async function stopAllProcesses(): Promise<void> {
  for (const d of running.splice(0)) await d.kill("SIGKILL");
  await killContainersUnder(containerDirs);
  containerDirs.clear();
}
