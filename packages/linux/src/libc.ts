/**
 * The libc functions the container launch helper needs, bound once through bun:ffi. One table of
 * symbols, opened lazily on first use, so importing @mesos/linux costs nothing where it is not
 * called (and works on hosts without glibc until then). Extend SYMBOLS for unshare, setns, mount,
 * pivot_root, ...: variadic functions (prctl, syscall) are declared with fixed integer arguments,
 * which the x86_64 and aarch64 Linux calling conventions pass exactly like variadic ones.
 */
import { FFIType, dlopen, read } from "bun:ffi";

const SYMBOLS = {
  prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
  // long syscall(long number, ...): six argument slots cover every Linux system call.
  syscall: {
    args: [FFIType.i64, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64],
    returns: FFIType.i64,
  },
  execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  signal: { args: [FFIType.i32, FFIType.u64], returns: FFIType.u64 },
  sigaction: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  sigprocmask: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
  strerror: { args: [FFIType.i32], returns: FFIType.cstring },
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

/** System call numbers this package uses, per architecture. */
export const SYSCALL_NUMBERS: Record<string, { seccomp: number }> = {
  x64: { seccomp: 317 },
  arm64: { seccomp: 277 },
};

export function syscallNumber(name: keyof (typeof SYSCALL_NUMBERS)[string]): number {
  const table = SYSCALL_NUMBERS[process.arch];
  if (!table) throw new Error(`no system call table for ${process.arch}`);
  return table[name];
}
