/**
 * Installing a seccomp BPF filter on the calling thread, and finding out whether the kernel can.
 *
 * Mesos does not set no_new_privs (a task may still gain privileges through setuid binaries), so
 * installing needs CAP_SYS_ADMIN, which the agent (root) has; pass `noNewPrivs` to set it first.
 * Without `tsync` the filter applies to the calling thread only: the launch helper installs it and
 * immediately execve()s the task from the same thread, so Bun's other threads are never filtered
 * and the new program (single-threaded after execve) inherits the filter.
 */
import { readFileSync } from "node:fs";
import { ptr } from "bun:ffi";
import { LinuxCallError, fail } from "./errno.ts";
import { errno, libc, syscallNumber } from "./libc.ts";

export const PR_GET_SECCOMP = 21;
export const PR_SET_NO_NEW_PRIVS = 38;
export const PR_GET_NO_NEW_PRIVS = 39;
export const SECCOMP_SET_MODE_FILTER = 1;
export const SECCOMP_GET_ACTION_AVAIL = 2;
export const SECCOMP_FILTER_FLAG_TSYNC = 1;
export const SECCOMP_FILTER_FLAG_LOG = 2;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
const SOCK_FILTER_SIZE = 8;
const BPF_MAXINSNS = 4096;

export interface InstallOptions {
  /** Apply to every thread of the process (SECCOMP_FILTER_FLAG_TSYNC). Default: this thread only. */
  tsync?: boolean;
  /** Set no_new_privs first (then CAP_SYS_ADMIN is not needed). Mesos does not. */
  noNewPrivs?: boolean;
  /** More SECCOMP_FILTER_FLAG_* bits, e.g. a profile's LOG / SPEC_ALLOW. */
  flags?: number;
}

/** Installs `program` (an array of `struct sock_filter`, as compileProfile's `bytes`). */
export function installSeccompFilter(program: Uint8Array, opts: InstallOptions = {}): void {
  prepareSeccompFilter(program, opts).install();
}

export interface PreparedFilter {
  /** One seccomp() call; throws LinuxCallError if the kernel refuses the filter. */
  install(): void;
}

/** Checks and lays out everything for the install, so that install() allocates nothing. */
export function prepareSeccompFilter(program: Uint8Array, opts: InstallOptions = {}): PreparedFilter {
  const count = program.length / SOCK_FILTER_SIZE;
  if (!Number.isInteger(count) || count === 0 || count > BPF_MAXINSNS) {
    throw new LinuxCallError(
      "seccomp(SECCOMP_SET_MODE_FILTER)",
      22,
      `a filter is 1 to ${BPF_MAXINSNS} 8-byte instructions, not ${program.length} bytes`,
    );
  }
  const c = libc();
  const nr = syscallNumber("seccomp");
  // struct sock_fprog { unsigned short len; /* 6 bytes padding */ struct sock_filter *filter; }
  const fprog = new Uint8Array(16);
  const view = new DataView(fprog.buffer);
  view.setUint16(0, count, true);
  view.setBigUint64(8, BigInt(ptr(program)), true);
  const fprogPtr = ptr(fprog);
  const flags = (opts.flags ?? 0) | (opts.tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0);
  return {
    install() {
      if (opts.noNewPrivs && c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) fail("prctl(PR_SET_NO_NEW_PRIVS)");
      const rc = Number(c.syscall(nr, SECCOMP_SET_MODE_FILTER, flags, fprogPtr, 0, 0, 0));
      void program; // keep the filter bytes alive until here
      if (rc === 0) return;
      if (rc > 0) throw new LinuxCallError("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)", 16, `thread ${rc} could not be synchronized`);
      fail("seccomp(SECCOMP_SET_MODE_FILTER)", installHint);
    },
  };
}

function installHint(e: number): string | undefined {
  if (e === 13) return "installing a filter needs CAP_SYS_ADMIN or no_new_privs (run the agent as root)";
  if (e === 22) return "the kernel rejected the program or a flag (an action or flag this kernel does not know?)";
  if (e === 12) return "the filter is too large for the kernel's limit on a thread's filters";
  if (e === 38) return "the kernel has no seccomp() system call (Linux 3.17+ with CONFIG_SECCOMP_FILTER)";
  return undefined;
}

export type SeccompAction = "kill_process" | "kill_thread" | "trap" | "errno" | "trace" | "log" | "allow";
const ACTION_VALUES: Record<SeccompAction, number> = {
  kill_process: 0x80000000,
  kill_thread: 0x00000000,
  trap: 0x00030000,
  errno: 0x00050000,
  trace: 0x7ff00000,
  log: 0x7ffc0000,
  allow: 0x7fff0000,
};
/** Our compiled filters need these; LOG/TRACE/TRAP only matter if a profile uses them. */
const REQUIRED: SeccompAction[] = ["kill_process", "kill_thread", "errno", "allow"];

export interface SeccompSupport {
  supported: boolean;
  /** Why not, when not. */
  reason?: string;
  /** This thread's seccomp mode: 0 none, 1 strict, 2 filter (filters stack, so 2 is fine). */
  mode?: number;
  /** Which return actions the kernel knows (SECCOMP_GET_ACTION_AVAIL). */
  actions: Partial<Record<SeccompAction, boolean>>;
}

/** Whether this kernel can run our filters: CONFIG_SECCOMP_FILTER, seccomp(), Linux 4.14+ actions. */
export function seccompSupported(): SeccompSupport {
  const actions: SeccompSupport["actions"] = {};
  if (process.platform !== "linux") return { supported: false, reason: `seccomp needs Linux, not ${process.platform}`, actions };
  let status = "";
  try {
    status = readFileSync("/proc/self/status", "utf8");
  } catch {
    // fall through to prctl
  }
  if (status && !/^Seccomp:/m.test(status)) {
    return { supported: false, reason: "the kernel was built without CONFIG_SECCOMP (/proc/self/status has no Seccomp line)", actions };
  }
  const c = libc();
  const mode = c.prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
  if (mode < 0) return { supported: false, reason: `prctl(PR_GET_SECCOMP) failed (errno ${errno()}): no seccomp in this kernel`, actions };
  if (mode === 1) return { supported: false, reason: "this process runs in seccomp strict mode", mode, actions };

  const value = new Uint32Array(1);
  for (const [name, v] of Object.entries(ACTION_VALUES) as [SeccompAction, number][]) {
    value[0] = v;
    const rc = Number(c.syscall(syscallNumber("seccomp"), SECCOMP_GET_ACTION_AVAIL, 0, ptr(value), 0, 0, 0));
    if (rc === 0) actions[name] = true;
    else {
      const e = errno();
      if (e === 95)
        actions[name] = false; // EOPNOTSUPP: the kernel does not know this action
      else
        return {
          supported: false,
          reason: `seccomp(SECCOMP_GET_ACTION_AVAIL) failed with errno ${e}: the kernel is older than 4.14 or lacks CONFIG_SECCOMP_FILTER`,
          mode,
          actions,
        };
    }
  }
  const missing = REQUIRED.filter((a) => !actions[a]);
  if (missing.length > 0) return { supported: false, reason: `the kernel lacks seccomp actions: ${missing.join(", ")}`, mode, actions };
  return { supported: true, mode, actions };
}
