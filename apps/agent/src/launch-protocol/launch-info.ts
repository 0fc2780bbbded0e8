/**
 * What the agent hands the launch helper (`mesos __launch`): a complete, JSON-serializable
 * description of the container to build and the process to start in it. The agent and its
 * isolators decide; the helper applies, in this order: namespaces, mounts, hostname, the I/O
 * switchboard, (wait for the agent's go, given once every isolator has isolated the helper's pid),
 * then the task: rootfs, session and terminal, rlimits, user, seccomp last, execve.
 * It is checkpointed in the container's runtime directory so recovery knows what was launched.
 */
import type { NamespaceKind } from "@mesos/linux";

export interface LaunchUser {
  name: string;
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
}

export interface LaunchCommand {
  /** The program to execute; looked up in the task's PATH (inside the rootfs) when it has no slash. */
  program: string;
  /** The full argv, including argv[0] (which need not be the program's name). */
  argv: string[];
  env: Record<string, string>;
  /** As seen by the task (inside the rootfs, if there is one). */
  workingDirectory: string;
  /** Run as this user (switch_user); absent = the agent's own user. */
  user?: LaunchUser;
}

export interface LaunchMount {
  /** `file`: move the host file `source` to `target` (a secret, into the tmpfs mounted before it). */
  type: "bind" | "tmpfs" | "proc" | "file";
  source?: string;
  /** A host path (inside the rootfs for containers that have one). */
  target: string;
  readOnly?: boolean;
  /** tmpfs mount data, e.g. "size=64m,mode=1777". */
  options?: string;
}

export interface LaunchRlimit {
  /** RLIMIT_* number. */
  resource: number;
  soft: number | "unlimited";
  hard: number | "unlimited";
}

export interface LaunchInfo {
  /** The container id as Mesos prints it (`parent.child` for nested containers). */
  containerId: string;
  /** Where the helper writes `pid` and `termination.json`, and serves `io.sock` (survives agent restarts). */
  runtimeDirectory: string;
  /**
   * linux: the helper is PID 1 of the container's PID namespace (the agent created or joined it)
   * and builds a mount namespace. posix: plain processes; the helper is a child subreaper.
   */
  launcher: "linux" | "posix";
  /** Namespaces the helper creates for itself (linux; never pid, which the agent handles). */
  unshare: NamespaceKind[];
  /** Nested containers: join these namespaces of the parent's init instead. */
  join?: { pid: number; namespaces: NamespaceKind[] };
  mounts: LaunchMount[];
  /**
   * Host mount points that stay peers of the host's (Mesos's BIDIRECTIONAL mount propagation): what
   * the container mounts under them appears on the host and the other way round; every other mount
   * is made a slave of the host's. For CSI plugin containers, which mount volumes for the agent.
   */
  sharedMounts?: string[];
  /** Pivot into this root filesystem before exec. */
  rootfs?: string;
  hostname?: string;
  /** base64 of a compiled seccomp program, installed right before execve. */
  seccompFilter?: string;
  rlimits: LaunchRlimit[];
  /** The task; absent for a container that only holds namespaces (a task group's executor). */
  command?: LaunchCommand;
  /** Files the task's stdout and stderr are appended to (in the sandbox). */
  stdoutPath: string;
  stderrPath: string;
  /**
   * The I/O switchboard: the helper serves the task's output and input on `io.sock` (Mesos: a
   * container with a TTY, or a DEBUG container). `tty` gives the task a pseudo-terminal.
   */
  switchboard?: { tty?: { rows: number; columns: number }; bufferUntilAttached?: boolean };
}
