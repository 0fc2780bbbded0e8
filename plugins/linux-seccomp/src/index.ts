/**
 * linux/seccomp: Docker-format seccomp profiles compiled to classic BPF in pure TypeScript.
 * The agent compiles a container's profile with `loadProfile` + `compileProfile` and hands
 * `bytes` to the launch helper, which installs them with @mesos/linux right before execve.
 */
export { loadProfile, parseProfile, SeccompProfileError, type ParseResult } from "./profile/parse-profile.ts";
export type { Action, ActionKind, ArgCondition, ArgOp, Profile, ProfileIssue, SyscallRule } from "./profile/types.ts";
export { formatIssue } from "./profile/types.ts";
export * from "./profile/actions.ts";
export { hostArch } from "./profile/arches.ts";
export { LINUX_CAPABILITIES, capabilitiesFromMask, capabilityNumber, normalizeCapability } from "./profile/capabilities.ts";
export {
  compileProfile,
  SeccompCompileError,
  type CompiledFilter,
  type CompileOptions,
} from "./compiler/compile.ts";
export type { CompileTarget } from "./compiler/target.ts";
export { type Instruction, encodeProgram, decodeProgram, disassemble } from "./compiler/bpf.ts";
export { runBpf, type SeccompData, type BpfRun } from "./compiler/bpf-interpreter.ts";
export { evaluateProfile } from "./compiler/evaluate-profile.ts";
export { worstCasePath, validateProgram } from "./compiler/program-analysis.ts";
export {
  ABIS,
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  X32_SYSCALL_BIT,
  syscallNumber,
  type NativeArch,
} from "./syscalls/abis.ts";
export { checkProfile, formatCheckReport, runSeccompCheck, type CheckReport } from "./check.ts";
