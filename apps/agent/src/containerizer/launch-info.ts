/**
 * What the agent hands the launch helper (`mesos __launch`): a complete, JSON-serializable
 * description of the process to start. The agent (and its isolators) decide; the helper applies.
 * It is checkpointed in the container's runtime directory so recovery knows what was launched.
 */
export interface LaunchUser {
  name: string;
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
}

export interface LaunchInfo {
  containerId: string;
  /** The program to execute; looked up in the task's PATH when it has no slash. */
  program: string;
  /** The full argv, including argv[0] (which need not be the program's name). */
  argv: string[];
  env: Record<string, string>;
  workingDirectory: string;
  /** Run as this user (switch_user); absent = the agent's own user. */
  user?: LaunchUser;
  /** Files the task's stdout and stderr are appended to (in the sandbox). */
  stdoutPath: string;
  stderrPath: string;
  /** Where the helper writes `pid` and `termination.json` (survives agent restarts). */
  runtimeDirectory: string;
}

/** How a container ended, as the helper records it. */
export interface Termination {
  /** Raw wait(2) status, as WAIT_CONTAINER reports it. */
  waitStatus: number;
  exitCode?: number;
  signal?: number;
  /** Set when the helper itself failed before or while starting the task. */
  launchError?: string;
}

export const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGCONT: 18,
  SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGXCPU: 24, SIGXFSZ: 25, SIGSYS: 31,
};

/** From Bun's view of an exit (`exitCode`, `signalCode` as a name or number) to a Termination. */
export function terminationFromExit(exitCode: number | null, signalCode: string | number | null): Termination {
  if (signalCode !== null && signalCode !== undefined) {
    const signal = typeof signalCode === "number" ? signalCode : (SIGNAL_NUMBERS[signalCode] ?? 0);
    return { waitStatus: signal, signal };
  }
  const code = exitCode ?? 0;
  return { waitStatus: (code & 0xff) << 8, exitCode: code };
}

/** Mesos's wording: "Command exited with status 3", "Command terminated with signal Killed". */
export function describeTermination(t: Termination): string {
  if (t.launchError) return `Failed to launch container: ${t.launchError}`;
  if (t.signal !== undefined) return `Command terminated with signal ${signalDescription(t.signal)}`;
  return `Command exited with status ${t.exitCode ?? 0}`;
}

const SIGNAL_DESCRIPTIONS: Record<number, string> = {
  1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction", 6: "Aborted", 7: "Bus error",
  8: "Floating point exception", 9: "Killed", 11: "Segmentation fault", 13: "Broken pipe", 14: "Alarm clock",
  15: "Terminated", 24: "CPU time limit exceeded", 25: "File size limit exceeded", 31: "Bad system call",
};

export function signalDescription(signal: number): string {
  return SIGNAL_DESCRIPTIONS[signal] ?? `signal ${signal}`;
}
