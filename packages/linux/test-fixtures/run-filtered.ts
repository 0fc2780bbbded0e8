/**
 * Test helper, run as a child process: installs a seccomp filter read from a file, then execve()s
 * a command on the same thread, the way the container launch helper will (execveWithSeccomp).
 *
 * With `--user=UID:GID` it first becomes that user, keeping CAP_SYS_ADMIN if `--keep-sys-admin`
 * (as the launch helper does for a non-root task with a filter).
 *
 *   bun run-filtered.ts [--filter=FILE] [--no-new-privs] [--tsync] [--keep-signals] [--user=UID:GID [--keep-sys-admin]] -- CMD ARGS...
 */
import { readFileSync } from "node:fs";
import { CAP_SYS_ADMIN, execve, execveWithSeccomp, switchUser } from "../src/index.ts";

// Options come first; the command starts after "--" or at the first non-option (Bun drops a
// "--" that directly follows the script name).
const args = process.argv.slice(2);
let start = args.findIndex((a) => a === "--" || !a.startsWith("--"));
if (start < 0) start = args.length;
const opts = args.slice(0, start);
const cmd = args.slice(args[start] === "--" ? start + 1 : start);
if (cmd.length === 0) {
  console.error(
    "usage: run-filtered.ts [--filter=FILE] [--no-new-privs] [--tsync] [--keep-signals] [--user=UID:GID [--keep-sys-admin]] -- CMD ARGS...",
  );
  process.exit(2);
}
const filter = opts.find((o) => o.startsWith("--filter="))?.slice("--filter=".length);
const user = opts.find((o) => o.startsWith("--user="))?.slice("--user=".length);
try {
  const program = filter ? new Uint8Array(readFileSync(filter)) : undefined; // read while still root
  if (user) {
    const [uid, gid] = user.split(":").map(Number);
    switchUser({ uid: uid!, gid: gid!, groups: [gid!] }, { keepCapabilities: opts.includes("--keep-sys-admin") ? [CAP_SYS_ADMIN] : [] });
  }
  const env = process.env as Record<string, string>;
  const resetSignals = !opts.includes("--keep-signals");
  if (!filter) execve(cmd[0]!, cmd, env, { resetSignals });
  execveWithSeccomp(program!, cmd[0]!, cmd, env, {
    noNewPrivs: opts.includes("--no-new-privs"),
    tsync: opts.includes("--tsync"),
    resetSignals,
  });
} catch (e) {
  console.error(`run-filtered: ${(e as Error).message}`);
  process.exit(3);
}
