/**
 * An agent in a process of its own, run from source (`bun apps/mesos/src/main.ts agent ...`), so a
 * test can kill -9 it and start it again on the same work dir.
 */
import { join } from "node:path";
import type { Subprocess } from "bun";
import { REPO_ROOT } from "./cluster.ts";

export interface AgentProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<number>;
}

const running: AgentProcess[] = [];

export function startAgentProcess(args: string[]): AgentProcess {
  const proc = Bun.spawn([process.execPath, join(REPO_ROOT, "apps/mesos/src/main.ts"), "agent", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env },
  });
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const agent: AgentProcess = {
    proc,
    output: () => text,
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = text.match(pattern);
        if (m) return m;
        if (proc.exitCode !== null) throw new Error(`the agent exited (${proc.exitCode}) before printing ${pattern}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} from the agent:\n${text}`);
        await Bun.sleep(25);
      }
    },
    async kill(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return proc.exited;
    },
  };
  running.push(agent);
  return agent;
}

export async function stopAgentProcesses(): Promise<void> {
  for (const a of running.splice(0)) await a.kill("SIGKILL");
}
