/**
 * Profile -> classic BPF seccomp filter. The program's shape:
 *
 *   ld [arch]; jeq NATIVE -> native section; jeq I386 -> i386 section (if listed); ret KILL_PROCESS
 *   section: ld [nr]; binary search over syscall-number ranges -> per-syscall rule chain -> ret
 *
 * On x86_64 the x32 ABI shares the native arch value and marks its numbers with bit 0x40000000, so
 * the native section's number line also covers [0x40000000, 2^32): the x32 table's syscalls when
 * the profile lists SCMP_ARCH_X32, else KILL_PROCESS, so x32 numbers never slip past the native
 * table. Every other architecture is killed (KILL_PROCESS), as libseccomp does by default.
 */
import { KILL_PROCESS } from "../profile/actions.ts";
import type { Profile, ProfileIssue } from "../profile/types.ts";
import { X32_SYSCALL_BIT } from "../syscalls/abis.ts";
import { type Instruction, SECCOMP_DATA_ARCH, SECCOMP_DATA_NR, encodeProgram } from "./bpf.ts";
import { IrBuilder, type Node } from "./ir.ts";
import { layout } from "./layout.ts";
import { validateProgram, worstCasePath } from "./program-analysis.ts";
import { type AbiTable, resolveProfile } from "./resolve.ts";
import { chainNode, trimChain } from "./rule-chain.ts";
import { type Segment, linearChain, searchTree, toRanges } from "./search-tree.ts";
import { type CompileTarget, resolveTarget } from "./target.ts";

export interface CompileOptions {
  /** "binary" (default). "linear" (one jeq per syscall, profile order) exists to compare against. */
  search?: "binary" | "linear";
}

export interface CompiledFilter {
  program: Instruction[];
  /** `struct sock_filter[]` bytes for the installer. */
  bytes: Uint8Array;
  instructions: number;
  worstCasePath: number;
  /** (rule, syscall) pairs on the native ABI: what the search covers for a native process. */
  rules: number;
  rulesByAbi: Record<string, number>;
  /** ABIs the filter lets through to their tables (all others are killed). */
  abis: string[];
  /** SECCOMP_FILTER_FLAG_* bits the profile asked for. */
  flags: number;
  warnings: ProfileIssue[];
}

export class SeccompCompileError extends Error {
  readonly kind = "invalid";
  constructor(readonly issues: ProfileIssue[]) {
    super(`Cannot compile seccomp profile: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`);
    this.name = "SeccompCompileError";
  }
}

export function compileProfile(profile: Profile, target: CompileTarget, options: CompileOptions = {}): CompiledFilter {
  const resolved = resolveTarget(target);
  const { tables, warnings } = resolveProfile(profile, resolved);
  const linear = options.search === "linear";

  const b = new IrBuilder();
  const kill = b.ret(KILL_PROCESS.value);
  const fallback = b.ret(profile.defaultAction.value);
  const decisions = (t: AbiTable) => {
    const nrs = linear ? t.order : [...t.rules.keys()].sort((x, y) => x - y);
    const out: { nr: number; node: Node }[] = [];
    for (const nr of nrs) {
      const node = chainNode(b, trimChain(t.rules.get(nr)!, profile.defaultAction), t.abi.argBits, fallback);
      if (node !== fallback) out.push({ nr, node });
    }
    return out;
  };
  const singles = (entries: { nr: number; node: Node }[]): Segment[] => entries.map(({ nr, node }) => ({ start: nr, end: nr + 1, node }));

  const [native, ...subs] = tables;
  const x32 = subs.find((t) => t.abi.name === "x32");
  const nativeEntries = decisions(native!);
  let dispatch: Node;
  if (resolved.arch === "x86_64") {
    const x32Entries = x32 ? decisions(x32) : [];
    if (linear) {
      const high = x32 ? linearChain(b, x32Entries, fallback) : kill;
      dispatch = b.jmp("jge", X32_SYSCALL_BIT, high, linearChain(b, nativeEntries, fallback));
    } else {
      const high: Segment[] = x32 ? singles(x32Entries) : [{ start: X32_SYSCALL_BIT, end: 2 ** 32, node: kill }];
      dispatch = searchTree(b, toRanges([...singles(nativeEntries), ...high], fallback));
    }
  } else {
    dispatch = linear ? linearChain(b, nativeEntries, fallback) : searchTree(b, toRanges(singles(nativeEntries), fallback));
  }

  // Arch dispatch, native first; x32 is part of the native section.
  let archChain: Node = kill;
  for (const t of [...subs].reverse()) {
    if (t.abi.name === "x32") continue;
    const entries = decisions(t);
    const section = linear ? linearChain(b, entries, fallback) : searchTree(b, toRanges(singles(entries), fallback));
    archChain = b.jmp("jeq", t.abi.audit, b.ld(SECCOMP_DATA_NR, section), archChain);
  }
  const root = b.ld(SECCOMP_DATA_ARCH, b.jmp("jeq", native!.abi.audit, b.ld(SECCOMP_DATA_NR, dispatch), archChain));

  const program = layout(root);
  const problems = validateProgram(program);
  if (problems.length > 0) throw new SeccompCompileError(problems.map((message) => ({ path: "", message })));
  return {
    program,
    bytes: encodeProgram(program),
    instructions: program.length,
    worstCasePath: worstCasePath(program),
    rules: native!.pairs,
    rulesByAbi: Object.fromEntries(tables.map((t) => [t.abi.name, t.pairs])),
    abis: tables.map((t) => t.abi.name),
    flags: profile.flags,
    warnings,
  };
}
