/**
 * Test helper, run as a child process: installs a seccomp filter read from a file, then execve()s
 * a command on the same thread, the way the container launch helper will (execveWithSeccomp).
 *
 *   bun run-filtered.ts [--filter=FILE] [--no-new-privs] [--tsync] [--keep-signals] -- CMD ARGS...
 */
import { readFileSync } from "node:fs";
import { execve, execveWithSeccomp } from "../src/index.ts";

// Options come first; the command starts after "--" or at the first non-option (Bun drops a
// "--" that directly follows the script name).
const args = process.argv.slice(2);
let start = args.findIndex((a) => a === "--" || !a.startsWith("--"));
if (start < 0) start = args.length;
const opts = args.slice(0, start);
const cmd = args.slice(args[start] === "--" ? start + 1 : start);
if (cmd.length === 0) {
  console.error("usage: run-filtered.ts [--filter=FILE] [--no-new-privs] [--tsync] [--keep-signals] -- CMD ARGS...");
  process.exit(2);
}
const filter = opts.find((o) => o.startsWith("--filter="))?.slice("--filter=".length);
try {
  const env = process.env as Record<string, string>;
  const resetSignals = !opts.includes("--keep-signals");
  if (!filter) execve(cmd[0]!, cmd, env, { resetSignals });
  execveWithSeccomp(new Uint8Array(readFileSync(filter)), cmd[0]!, cmd, env, {
    noNewPrivs: opts.includes("--no-new-privs"),
    tsync: opts.includes("--tsync"),
    resetSignals,
  });
} catch (e) {
  console.error(`run-filtered: ${(e as Error).message}`);
  process.exit(3);
}
