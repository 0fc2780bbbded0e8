/**
 * A clean signal state for a task about to be exec'd, as Mesos's launcher gives it: signals Bun
 * ignores (SIGPIPE, SIGXFSZ) would stay ignored across execve (POSIX keeps SIG_IGN), so a task's
 * `yes | head` would see EPIPE instead of dying; and a blocked mask would be inherited too.
 * Handlers that are caught need nothing: execve resets them to SIG_DFL.
 */
import { ptr } from "bun:ffi";
import { libc } from "./libc.ts";

const SIG_DFL = 0n;
const SIG_IGN = 1n;
const SIG_SETMASK = 2;
const NSIG = 65;
/** glibc's struct sigaction is 152 bytes on x86_64 and aarch64; the handler comes first. */
const SIGACTION_SIZE = 152;
/** glibc's sigset_t: 1024 bits. */
const SIGSET_SIZE = 128;

/** Sets every ignored signal back to SIG_DFL and clears the blocked mask of the calling thread. */
export function resetSignals(): void {
  const c = libc();
  const old = new Uint8Array(SIGACTION_SIZE);
  const view = new DataView(old.buffer);
  for (let sig = 1; sig < NSIG; sig++) {
    if (sig === 9 || sig === 19 || sig === 32 || sig === 33) continue; // KILL, STOP, glibc-internal
    if (c.sigaction(sig, null, ptr(old)) !== 0) continue;
    if (view.getBigUint64(0, true) === SIG_IGN) c.signal(sig, SIG_DFL);
  }
  const empty = new Uint8Array(SIGSET_SIZE);
  c.sigprocmask(SIG_SETMASK, ptr(empty), null);
}
