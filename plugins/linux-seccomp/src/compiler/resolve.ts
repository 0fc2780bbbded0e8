/**
 * Turns a profile into per-ABI decision tables: for every syscall number, the rules that name it
 * and apply to the target, in profile order.
 *
 * Unknown syscall names, the one rule: a name that no ABI of the filter knows is skipped with a
 * warning, never an error, as Docker does: profiles are shared across architectures (Mesos's and
 * Docker's own list x86-only, arm-only and s390-only calls side by side), so a name missing here is
 * normal. The warnings tell the two cases apart:
 * - a name that exists on another ABI we have a table for (`open` on aarch64) is expected: one
 *   summary warning lists them all;
 * - a name none of our tables (x86_64, x32, i386, aarch64) knows gets its own warning with its
 *   JSON path: it may be another architecture's call (`recv` exists only on a few) or a typo,
 *   which matters most in a deny rule, so `mesos seccomp check` shows each one.
 * A name known to some ABI of the filter but not to others (`chown32`, i386 only) is silent.
 */
import type { Profile, ProfileIssue, SyscallRule } from "../profile/types.ts";
import { type Abi, knownOnSomeAbi } from "../syscalls/abis.ts";
import { type ResolvedTarget, filterAbis, ruleApplies } from "./target.ts";

const ALL_ABIS = "x86_64, x32, i386 or aarch64";

export interface AbiTable {
  abi: Abi;
  /** nr -> the applicable rules naming it, in profile order. */
  rules: Map<number, SyscallRule[]>;
  /** Syscall numbers in order of first mention in the profile (for the linear strategy). */
  order: number[];
  /** (rule, syscall number) pairs. */
  pairs: number;
}

export interface Resolution {
  tables: AbiTable[];
  warnings: ProfileIssue[];
}

export function resolveProfile(profile: Profile, target: ResolvedTarget): Resolution {
  const warnings: ProfileIssue[] = [];
  const elsewhere = new Set<string>();
  const abis = filterAbis(profile, target.arch, warnings);
  const tables: AbiTable[] = abis.map((abi) => ({ abi, rules: new Map(), order: [], pairs: 0 }));

  for (const rule of profile.syscalls) {
    if (!ruleApplies(rule, target)) continue;
    rule.names.forEach((name, j) => {
      let found = false;
      for (const table of tables) {
        const t = table.abi.table;
        if (!Object.hasOwn(t, name)) continue;
        found = true;
        const nr = t[name]!;
        let list = table.rules.get(nr);
        if (!list) {
          list = [];
          table.rules.set(nr, list);
          table.order.push(nr);
        }
        if (list[list.length - 1] !== rule) {
          list.push(rule);
          table.pairs++;
        }
      }
      if (found) return;
      if (knownOnSomeAbi(name)) elsewhere.add(name);
      else {
        const message = `unknown syscall '${name}' (not a system call on ${ALL_ABIS}); skipped`;
        warnings.push({ path: `syscalls[${rule.index}].names[${j}]`, message });
      }
    });
  }
  if (elsewhere.size > 0) {
    const names = [...elsewhere];
    const shown = names.slice(0, 8).join(", ") + (names.length > 8 ? `, ... (${names.length - 8} more)` : "");
    const where = abis.map((a) => a.name).join("/");
    warnings.unshift({ path: "syscalls", message: `${names.length} syscall names do not exist on ${where} and were skipped: ${shown}` });
  }
  return { tables, warnings };
}
