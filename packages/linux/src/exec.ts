/**
 * execve(2) from Bun, for the launch helper's last step: the calling thread becomes the task. It
 * does not return on success; on failure it throws (the process is still the helper).
 *
 * `prepareExecve` does all the work that allocates (C strings, pointer arrays, signal reset) so
 * that `exec()` is one foreign call. That matters after a seccomp filter is installed: any more JS
 * work could make the runtime start a thread, and a filter that denies clone3 (the Mesos 1.8
 * example does: it predates it) makes pthread_create fail and Bun abort. See seccomp-exec.ts.
 * Flush stdout/stderr before: buffered output is lost with the old image.
 */
import { ptr } from "bun:ffi";
import { LinuxCallError, fail } from "./errno.ts";
import { libc } from "./libc.ts";
import { resetSignals } from "./signals.ts";

export interface ExecOptions {
  /** Reset ignored signals to their defaults and unblock all signals first (default true). */
  resetSignals?: boolean;
}

export type Environment = Readonly<Record<string, string>> | readonly string[];

export interface PreparedExec {
  /** Replaces the process image; throws LinuxCallError if the kernel refuses. */
  exec(): never;
}

export function prepareExecve(path: string, argv: readonly string[], envp: Environment, opts: ExecOptions = {}): PreparedExec {
  const env = Array.isArray(envp) ? (envp as readonly string[]) : Object.entries(envp).map(([k, v]) => `${k}=${v}`);
  const keep: Uint8Array[] = []; // the C strings stay alive as long as the prepared call
  const cString = (s: string) => {
    if (s.includes("\0")) throw new LinuxCallError(`execve(${JSON.stringify(path)})`, 22, `a NUL byte in ${JSON.stringify(s)}`);
    const b = new TextEncoder().encode(`${s}\0`);
    keep.push(b);
    return ptr(b);
  };
  const vector = (items: readonly string[]) => {
    const v = new BigUint64Array(items.length + 1); // NULL-terminated
    items.forEach((s, i) => (v[i] = BigInt(cString(s))));
    return v;
  };
  const file = cString(path);
  const argvPtrs = vector(argv);
  const envPtrs = vector(env);
  const c = libc();
  if (opts.resetSignals ?? true) resetSignals();
  const call = `execve(${JSON.stringify(path)})`;
  return {
    exec(): never {
      c.execve(file, ptr(argvPtrs), ptr(envPtrs));
      void keep;
      return fail(call);
    },
  };
}

export function execve(path: string, argv: readonly string[], envp: Environment, opts: ExecOptions = {}): never {
  return prepareExecve(path, argv, envp, opts).exec();
}
