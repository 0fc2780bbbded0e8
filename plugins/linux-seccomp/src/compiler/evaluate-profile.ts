/**
 * The reference semantics of a profile, evaluated directly on one `seccomp_data`, with none of the
 * compiler's machinery (no trimming, grouping, ranges or trees). Tests hold the compiled program
 * to it. The rules:
 * 1. The arch must be the native one or a listed, supported sub-architecture; x32 numbers
 *    (bit 0x40000000 under AUDIT_ARCH_X86_64) count as x32. Anything else: KILL_PROCESS.
 * 2. The rules that apply to the target and name this number on that ABI are tried in profile
 *    order; the first whose argument conditions all hold decides.
 * 3. Otherwise the default action.
 * Arguments are 64-bit; on 32-bit ABIs only their low 32 bits (and the rule's) are compared.
 */
import { KILL_PROCESS } from "../profile/actions.ts";
import type { ArgCondition, Profile } from "../profile/types.ts";
import { type Abi, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT, syscallNames } from "../syscalls/abis.ts";
import type { SeccompData } from "./bpf-interpreter.ts";
import { type CompileTarget, filterAbis, resolveTarget, ruleApplies } from "./target.ts";

const U64 = (1n << 64n) - 1n;
const U32 = 0xffffffffn;

export function evaluateProfile(profile: Profile, target: CompileTarget, data: SeccompData): number {
  return profileEvaluator(profile, target)(data);
}

/** The same, with the target's rule selection done once, for evaluating many calls. */
export function profileEvaluator(profile: Profile, target: CompileTarget): (data: SeccompData) => number {
  const t = resolveTarget(target);
  const abis = filterAbis(profile, t.arch);
  const rules = profile.syscalls.filter((rule) => ruleApplies(rule, t));
  return (data) => {
    const abi = abiFor(abis, data);
    if (!abi) return KILL_PROCESS.value;
    const names = syscallNames(abi.name, data.nr >>> 0);
    for (const rule of rules) {
      if (!rule.names.some((n) => names.includes(n))) continue;
      if (rule.args.every((c) => holds(c, data.args?.[c.index] ?? 0n, abi.argBits))) return rule.action.value;
    }
    return profile.defaultAction.value;
  };
}

function abiFor(abis: Abi[], data: SeccompData): Abi | undefined {
  const arch = data.arch >>> 0;
  const nr = data.nr >>> 0;
  if (arch === AUDIT_ARCH_X86_64 && nr >= X32_SYSCALL_BIT) return abis.find((a) => a.name === "x32");
  return abis.find((a) => a.audit === arch && a.name !== "x32");
}

export function holds(c: ArgCondition, rawArg: bigint, argBits: 32 | 64): boolean {
  const width = argBits === 64 ? U64 : U32;
  const arg = rawArg & width;
  const value = c.value & width;
  switch (c.op) {
    case "EQ":
      return arg === value;
    case "NE":
      return arg !== value;
    case "LT":
      return arg < value;
    case "LE":
      return arg <= value;
    case "GT":
      return arg > value;
    case "GE":
      return arg >= value;
    case "MASKED_EQ":
      return (arg & value) === (c.valueTwo & width);
  }
}
