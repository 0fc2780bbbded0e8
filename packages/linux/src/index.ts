/**
 * Linux system interfaces for the agent and the container launch helper, through bun:ffi:
 * seccomp filters and execve, namespaces, mounts and pivot_root, credentials, ptys, pipes,
 * waitpid, eventfd, which processes listen on which IP sockets (sock_diag, /proc/net), filesystems
 * (statfs, the mount table) and XFS project ids and quotas.
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
export { libc, errno, cString } from "./libc.ts";
export {
  CLONE_FS,
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUSER,
  CLONE_NEWUTS,
  NAMESPACE_FLAGS,
  type NamespaceKind,
  enterNamespaces,
  namespaceFlags,
  namespaceId,
  setns,
  spawnInPidNamespace,
  unshare,
} from "./namespaces.ts";
export {
  MNT_DETACH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_PRIVATE,
  MS_RDONLY,
  MS_REC,
  MS_REMOUNT,
  MS_SHARED,
  MS_SLAVE,
  type MountCall,
  bindMount,
  listMountPoints,
  makeSharedMount,
  chdir,
  ensureMountPoint,
  makeRslave,
  mount,
  pivotInto,
  sethostname,
  umount2,
} from "./mounts.ts";
export { findMountContaining, type MountEntry, parseMountInfo, readMountTable } from "./mount-table.ts";
export {
  CAP_SYS_ADMIN,
  type Credentials,
  PR_SET_CHILD_SUBREAPER,
  PR_SET_KEEPCAPS,
  setCapabilities,
  setChildSubreaper,
  setsid,
  type SwitchUserOptions,
  switchUser,
} from "./credentials.ts";
export { type Pty, getWindowSize, openPty, setControllingTerminal, setWindowSize } from "./pty.ts";
export { type Reaped, decodeWaitStatus, reapAll, WNOHANG } from "./wait.ts";
export { closeFd, eventfd } from "./eventfd.ts";
export { duplicateOnto, setCloseOnExec } from "./fds.ts";
export { createPipe, type Pipe } from "./pipes.ts";
export { RLIMITS, setRlimit } from "./rlimits.ts";
export {
  type FilesystemStats,
  XFS_SUPER_MAGIC,
  blockDeviceOf,
  deviceNumber,
  filesystemUsedBytes,
  isXfs,
  mountOf,
  statfs,
} from "./filesystems.ts";
export { FS_XFLAG_PROJINHERIT, NO_PROJECT, getProjectId, setProjectIdRecursively } from "./xfs-project.ts";
export {
  type ProjectQuota,
  type ProjectQuotaStatus,
  clearProjectQuota,
  getProjectQuota,
  projectQuotaStatus,
  setProjectQuota,
} from "./xfs-quota.ts";
export { S_IFBLK, S_IFCHR, S_IFIFO, getXattr, makedev, mknod, setXattr } from "./special-files.ts";
export {
  ALL_SOCKET_KINDS,
  type InetSocket,
  type SocketFamily,
  type SocketKind,
  type SocketProtocol,
  formatEndpoint,
  formatIPv4,
  formatIPv6,
  socketKindName,
} from "./inet-sockets.ts";
export { openSockDiag, type SockDiagSocket } from "./sock-diag.ts";
export { parseProcNet, procNetSockets } from "./proc-net-sockets.ts";
export { createSocketLister, type SocketLister, type SocketListerOptions, type SocketSource } from "./listening-sockets.ts";
export { listPids, socketInodesOf } from "./process-sockets.ts";
