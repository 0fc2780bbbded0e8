/** How a container ended, as the launch helper records it in `termination.json`. */

export interface Termination {
  /** Raw wait(2) status, as WAIT_CONTAINER reports it. */
  waitStatus: number;
  exitCode?: number;
  signal?: number;
  /** Set when the helper failed before or while starting the task; names the step that failed. */
  launchError?: string;
}

export const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGSYS: 31,
};

function signalNumber(signal: string | number): number {
  return typeof signal === "number" ? signal : (SIGNAL_NUMBERS[signal] ?? 0);
}

/** From Bun's view of an exit (`exitCode`, `signalCode` as a name or number) to a Termination. */
export function terminationFromExit(exitCode: number | null, signalCode: string | number | null): Termination {
  if (signalCode !== null && signalCode !== undefined) {
    const signal = signalNumber(signalCode);
    return { waitStatus: signal, signal };
  }
  const code = exitCode ?? 0;
  return { waitStatus: (code & 0xff) << 8, exitCode: code };
}

/** From a raw wait(2) status. */
export function terminationFromWaitStatus(status: number): Termination {
  const signal = status & 0x7f;
  return signal === 0 ? { waitStatus: status, exitCode: (status >> 8) & 0xff } : { waitStatus: status, signal };
}

export function launchFailure(message: string): Termination {
  return { waitStatus: 1 << 8, exitCode: 1, launchError: message };
}

/** Mesos's wording: "Command exited with status 3", "Command terminated with signal Killed". */
export function describeTermination(t: Termination): string {
  if (t.launchError) return `Failed to launch container: ${t.launchError}`;
  if (t.signal !== undefined) return `Command terminated with signal ${signalDescription(t.signal)}`;
  return `Command exited with status ${t.exitCode ?? 0}`;
}

const SIGNAL_DESCRIPTIONS: Record<number, string> = {
  1: "Hangup",
  2: "Interrupt",
  3: "Quit",
  4: "Illegal instruction",
  6: "Aborted",
  7: "Bus error",
  8: "Floating point exception",
  9: "Killed",
  11: "Segmentation fault",
  13: "Broken pipe",
  14: "Alarm clock",
  15: "Terminated",
  24: "CPU time limit exceeded",
  25: "File size limit exceeded",
  31: "Bad system call",
};

export function signalDescription(signal: number): string {
  return SIGNAL_DESCRIPTIONS[signal] ?? `signal ${signal}`;
}
