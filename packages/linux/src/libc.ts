/**
 * The libc functions the agent and the container launch helper need, bound once through bun:ffi.
 * One table of symbols, opened lazily on first use, so importing @mesos/linux costs nothing where it
 * is not called (and works on hosts without glibc until then). Variadic functions (prctl, syscall,
 * ioctl) are declared with fixed integer arguments, which the x86_64 and aarch64 Linux calling
 * conventions pass exactly like variadic ones.
 *
 * Never bind fork(): the runtime is multi-threaded. Processes are made with Bun.spawn (posix_spawn
 * or vfork on the calling thread), which is why per-thread state such as unshare(CLONE_NEWPID) on
 * the JS thread reaches the child.
 */
import { FFIType, dlopen, ptr, read } from "bun:ffi";

const { i32, u32, i64, u64 } = FFIType;
const P = FFIType.ptr;

const SYMBOLS = {
  prctl: { args: [i32, u64, u64, u64, u64], returns: i32 },
  // long syscall(long number, ...): six argument slots cover every Linux system call.
  syscall: { args: [i64, u64, u64, u64, u64, u64, u64], returns: i64 },
  execve: { args: [P, P, P], returns: i32 },
  signal: { args: [i32, u64], returns: u64 },
  sigaction: { args: [i32, P, P], returns: i32 },
  sigprocmask: { args: [i32, P, P], returns: i32 },
  __errno_location: { args: [], returns: P },
  strerror: { args: [i32], returns: FFIType.cstring },
  // namespaces
  unshare: { args: [i32], returns: i32 },
  setns: { args: [i32, i32], returns: i32 },
  // mounts and the filesystem root
  mount: { args: [P, P, P, u64, P], returns: i32 },
  umount2: { args: [P, i32], returns: i32 },
  chdir: { args: [P], returns: i32 },
  chroot: { args: [P], returns: i32 },
  sethostname: { args: [P, u64], returns: i32 },
  // credentials and sessions
  setgroups: { args: [u64, P], returns: i32 },
  setresuid: { args: [u32, u32, u32], returns: i32 },
  setresgid: { args: [u32, u32, u32], returns: i32 },
  setsid: { args: [], returns: i32 },
  getpid: { args: [], returns: i32 },
  // terminals
  ioctl: { args: [i32, u64, P], returns: i32 },
  posix_openpt: { args: [i32], returns: i32 },
  grantpt: { args: [i32], returns: i32 },
  unlockpt: { args: [i32], returns: i32 },
  ptsname_r: { args: [i32, P, u64], returns: i32 },
  // processes and events
  waitpid: { args: [i32, P, i32], returns: i32 },
  eventfd: { args: [u32, i32], returns: i32 },
  pipe2: { args: [P, i32], returns: i32 },
  close: { args: [i32], returns: i32 },
  dup3: { args: [i32, i32, i32], returns: i32 },
  kill: { args: [i32, i32], returns: i32 },
  fcntl: { args: [i32, i32, i64], returns: i32 },
  prlimit: { args: [i32, i32, P, P], returns: i32 },
  // filesystems and quotas (disk/xfs)
  statfs: { args: [P, P], returns: i32 },
  quotactl: { args: [i32, P, i32, P], returns: i32 },
  // special files and extended attributes (image layers)
  mknod: { args: [P, u32, u64], returns: i32 },
  lsetxattr: { args: [P, P, P, u64, i32], returns: i32 },
  lgetxattr: { args: [P, P, P, u64], returns: i64 },
  // sockets (sock_diag netlink)
  socket: { args: [i32, i32, i32], returns: i32 },
  setsockopt: { args: [i32, i32, i32, P, u32], returns: i32 },
  send: { args: [i32, P, u64, i32], returns: i64 },
  recv: { args: [i32, P, u64, i32], returns: i64 },
} as const;

let lib: ReturnType<typeof open> | undefined;
function open() {
  return dlopen("libc.so.6", SYMBOLS);
}

/** The bound libc functions. */
export function libc() {
  if (process.platform !== "linux") throw new Error(`libc bindings need Linux, not ${process.platform}`);
  lib ??= open();
  return lib.symbols;
}

/** The calling thread's errno; read it right after the failing call. */
export function errno(): number {
  const p = libc().__errno_location();
  return p === null ? 0 : read.i32(p, 0);
}

/**
 * A NUL-terminated copy of `s` and its pointer. Keep the returned buffer referenced until the call
 * that uses the pointer has returned.
 */
export function cString(s: string): { buf: Uint8Array; ptr: ReturnType<typeof ptr> } {
  const buf = new TextEncoder().encode(`${s}\0`);
  return { buf, ptr: ptr(buf) };
}

/** System call numbers this package uses, per architecture (glibc has no wrapper for these). */
export const SYSCALL_NUMBERS: Record<string, { seccomp: number; pivot_root: number; capget: number; capset: number }> = {
  x64: { seccomp: 317, pivot_root: 155, capget: 125, capset: 126 },
  arm64: { seccomp: 277, pivot_root: 41, capget: 90, capset: 91 },
};

export function syscallNumber(name: keyof (typeof SYSCALL_NUMBERS)[string]): number {
  const table = SYSCALL_NUMBERS[process.arch];
  if (!table) throw new Error(`no system call table for ${process.arch}`);
  return table[name];
}
