/**
 * Seccomp actions: the profile spellings (SCMP_ACT_*) and the SECCOMP_RET_* words a filter returns.
 * SCMP_ACT_KILL is libseccomp's historical name for killing the calling thread (RET_KILL_THREAD).
 * ERRNO and TRACE carry 16 bits of data: the rule's `errnoRet` (the profile's `defaultErrnoRet` for
 * the default action), else EPERM, which is all Mesos 1.8 ever used for both.
 */
import type { Action, ActionKind } from "./types.ts";

export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;

export const EPERM = 1;
/** The kernel clamps larger errno values; a profile asking for more is surely wrong. */
export const MAX_ERRNO = 4095;

const SPELLINGS: Record<string, ActionKind> = {
  SCMP_ACT_ALLOW: "allow",
  SCMP_ACT_ERRNO: "errno",
  SCMP_ACT_KILL: "kill_thread",
  SCMP_ACT_KILL_THREAD: "kill_thread",
  SCMP_ACT_KILL_PROCESS: "kill_process",
  SCMP_ACT_TRAP: "trap",
  SCMP_ACT_TRACE: "trace",
  SCMP_ACT_LOG: "log",
};

const BASE: Record<ActionKind, number> = {
  allow: SECCOMP_RET_ALLOW,
  errno: SECCOMP_RET_ERRNO,
  kill_thread: SECCOMP_RET_KILL_THREAD,
  kill_process: SECCOMP_RET_KILL_PROCESS,
  trap: SECCOMP_RET_TRAP,
  trace: SECCOMP_RET_TRACE,
  log: SECCOMP_RET_LOG,
};

export const KNOWN_ACTIONS = Object.keys(SPELLINGS);

export function actionKind(spelling: string): ActionKind | undefined {
  return Object.hasOwn(SPELLINGS, spelling) ? SPELLINGS[spelling] : undefined;
}

/** True for the actions whose return value carries data (errno or tracer message). */
export function takesData(kind: ActionKind): boolean {
  return kind === "errno" || kind === "trace";
}

export function makeAction(kind: ActionKind, data = takesData(kind) ? EPERM : 0, spelling?: string): Action {
  const d = takesData(kind) ? data & SECCOMP_RET_DATA : 0;
  return { kind, data: d, value: (BASE[kind] | d) >>> 0, spelling: spelling ?? spellingOf(kind) };
}

function spellingOf(kind: ActionKind): string {
  return Object.entries(SPELLINGS).find(([, k]) => k === kind)![0];
}

export const ALLOW = makeAction("allow");
export const KILL_PROCESS = makeAction("kill_process");
