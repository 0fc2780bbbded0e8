/**
 * Linux system interfaces for the agent and the container launch helper, through bun:ffi.
 * Today: seccomp filters and execve; the namespace and mount calls join libc.ts as they are needed.
 */
export {
  installSeccompFilter,
  prepareSeccompFilter,
  type PreparedFilter,
  seccompSupported,
  type InstallOptions,
  type SeccompAction,
  type SeccompSupport,
  PR_GET_SECCOMP,
  PR_SET_NO_NEW_PRIVS,
  PR_GET_NO_NEW_PRIVS,
  SECCOMP_SET_MODE_FILTER,
  SECCOMP_GET_ACTION_AVAIL,
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW,
} from "./seccomp.ts";
export { execve, prepareExecve, type ExecOptions, type Environment, type PreparedExec } from "./exec.ts";
export { execveWithSeccomp } from "./seccomp-exec.ts";
export { resetSignals } from "./signals.ts";
export { LinuxCallError, errnoName, strerror, type LinuxErrorKind } from "./errno.ts";
export { libc, errno } from "./libc.ts";
