/**
 * A parsed seccomp profile: Docker's JSON format (the subset Mesos 1.8 reads and the newer fields),
 * normalized so the compiler and the reference evaluator never look at raw JSON again.
 * 64-bit argument values are bigint: profiles use masks up to 2^64-1, beyond a double's 2^53.
 */

/** What the kernel does with a system call; `value` is the SECCOMP_RET_* word the filter returns. */
export type ActionKind = "allow" | "errno" | "kill_thread" | "kill_process" | "trap" | "trace" | "log";

export interface Action {
  kind: ActionKind;
  /** errno for "errno", the tracer's message data for "trace"; 0 otherwise. */
  data: number;
  /** The full 32-bit return value (SECCOMP_RET_* | data). */
  value: number;
  /** The profile's spelling, e.g. SCMP_ACT_KILL, for messages. */
  spelling: string;
}

export type ArgOp = "NE" | "LT" | "LE" | "EQ" | "GE" | "GT" | "MASKED_EQ";

export interface ArgCondition {
  index: number; // 0-5
  op: ArgOp;
  /** The operand; for MASKED_EQ the mask. */
  value: bigint;
  /** For MASKED_EQ the datum the masked argument must equal; ignored by the other operators. */
  valueTwo: bigint;
}

/** Docker's `includes` / `excludes`: a rule applies only on these arches / with these capabilities. */
export interface RuleFilter {
  arches: string[]; // Docker/Go arch names: amd64, arm64, x86, x32, ...
  caps: string[]; // normalized CAP_* names
  minKernel?: [number, number];
}

export interface SyscallRule {
  /** Position in the profile's `syscalls` array, for messages. */
  index: number;
  names: string[];
  action: Action;
  /** All must hold (AND). Empty: the rule matches unconditionally. */
  args: ArgCondition[];
  comment: string;
  includes: RuleFilter;
  excludes: RuleFilter;
}

export interface ArchMapEntry {
  architecture: string; // SCMP_ARCH_*
  subArchitectures: string[];
}

export interface Profile {
  defaultAction: Action;
  /** Normalized from either `archMap` or the newer flat `architectures` list. */
  archMap: ArchMapEntry[];
  syscalls: SyscallRule[];
  /** SECCOMP_FILTER_FLAG_* bits the profile asks for (newer Docker `flags`). */
  flags: number;
}

/** A problem found in a profile, located by a JSON path like `syscalls[12].args[0].op`. */
export interface ProfileIssue {
  path: string;
  message: string;
}

export function formatIssue(issue: ProfileIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}
