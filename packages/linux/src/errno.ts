/**
 * Failed libc calls as errors that say which call failed, the errno name and the kernel's text,
 * e.g. `seccomp(SECCOMP_SET_MODE_FILTER) failed: EACCES (Permission denied)`, plus a `kind` from
 * the project's closed set of error kinds so boundaries can map it once.
 */
import { errno, libc } from "./libc.ts";

const NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  7: "E2BIG",
  8: "ENOEXEC",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  15: "ENOTBLK",
  24: "EMFILE",
  25: "ENOTTY",
  26: "ETXTBSY",
  28: "ENOSPC",
  36: "ENAMETOOLONG",
  38: "ENOSYS",
  40: "ELOOP",
  93: "EPROTONOSUPPORT",
  95: "EOPNOTSUPP",
  97: "EAFNOSUPPORT",
  105: "ENOBUFS",
  122: "EDQUOT",
};

export type LinuxErrorKind = "permission_denied" | "not_found" | "invalid" | "unimplemented" | "internal";

export class LinuxCallError extends Error {
  readonly kind: LinuxErrorKind;
  readonly code: string;
  constructor(
    readonly call: string,
    readonly errno: number,
    hint?: string,
  ) {
    const code = errnoName(errno);
    super(`${call} failed: ${code} (${strerror(errno)})${hint ? `: ${hint}` : ""}`);
    this.name = "LinuxCallError";
    this.code = code;
    this.kind =
      errno === 1 || errno === 13
        ? "permission_denied"
        : errno === 2
          ? "not_found"
          : errno === 22
            ? "invalid"
            : errno === 38 || errno === 95
              ? "unimplemented"
              : "internal";
  }
}

export function errnoName(n: number): string {
  return NAMES[n] ?? `errno ${n}`;
}

export function strerror(n: number): string {
  try {
    return String(libc().strerror(n));
  } catch {
    return `errno ${n}`;
  }
}

/** Throws a LinuxCallError carrying the current errno. */
export function fail(call: string, hint?: (errno: number) => string | undefined): never {
  const e = errno();
  throw new LinuxCallError(call, e, hint?.(e));
}
