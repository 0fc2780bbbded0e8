/**
 * A real terminal for CLI tests: a tmux session on a private server socket runs one command,
 * then prints `EXIT=<code>` and the terminal's settings (`stty -a`, to see that raw mode was
 * undone). Tests type into it with send-keys, read it with capture-pane and resize its window.
 */
import { spawnSync } from "node:child_process";

export function tmuxAvailable(): boolean {
  return spawnSync("tmux", ["-V"]).status === 0;
}

const socket = `mesos-test-${process.pid}`;
let sessions = 0;

function tmux(...args: string[]): string {
  const r = spawnSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tmux ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface TestTerminal {
  /** Keys as tmux names them (`Enter`, `C-p`) or literal text with `{ literal: true }`. */
  send(keys: string[]): void;
  type(text: string): void;
  screen(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  resize(columns: number, rows: number): void;
  /** The command's exit code, once it has ended. */
  exitCode(timeoutMs?: number): Promise<number>;
  /** The `stty -a` printed after the command ended. */
  sttyAfter(): Promise<string>;
  close(): void;
}

export function startTerminal(command: string[], options: { env?: Record<string, string>; columns?: number; rows?: number } = {}): TestTerminal {
  const name = `t${sessions++}`;
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`);
  // `trap : INT`: Ctrl-C reaches the command but must not end the shell that reports its exit code.
  const script = `trap : INT; env ${env.join(" ")} ${command.map(quote).join(" ")}; echo EXIT=$?; stty -a | tr '\\n' ' '; echo; sleep 600`;
  tmux("new-session", "-d", "-s", name, "-x", String(options.columns ?? 100), "-y", String(options.rows ?? 30), `sh -c ${quote(script)}`);
  tmux("set-option", "-t", name, "remain-on-exit", "on");
  const term: TestTerminal = {
    send: (keys) => void tmux("send-keys", "-t", name, ...keys),
    type: (text) => void tmux("send-keys", "-t", name, "-l", text),
    screen: () => tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", name),
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = term.screen().match(pattern);
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} on the terminal:\n${term.screen()}`);
        await Bun.sleep(50);
      }
    },
    resize: (columns, rows) => void tmux("resize-window", "-t", name, "-x", String(columns), "-y", String(rows)),
    async exitCode(timeoutMs) {
      return Number((await term.waitFor(/EXIT=(\d+)/, timeoutMs))[1]);
    },
    async sttyAfter() {
      return (await term.waitFor(/EXIT=\d+\s+(speed.*)/))[1]!;
    },
    close() {
      try {
        tmux("kill-session", "-t", name);
      } catch {}
    },
  };
  return term;
}

/** Ends this file's tmux server and everything still running in it. */
export function stopTerminals(): void {
  spawnSync("tmux", ["-L", socket, "kill-server"]);
}
