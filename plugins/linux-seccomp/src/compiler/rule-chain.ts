/**
 * The decision for one syscall number: its rules in profile order, first match wins, and the
 * default action when none matches (also when every rule has argument conditions and they all
 * fail). Before emitting code the chain is trimmed without changing its meaning:
 * - rules after the first unconditional one can never be reached;
 * - trailing rules whose action is the default action decide nothing.
 * An empty chain means "the default action": that syscall needs no place in the search tree.
 */
import type { Action, SyscallRule } from "../profile/types.ts";
import { conditionNode, membershipNode } from "./arg-conditions.ts";
import type { IrBuilder, Node } from "./ir.ts";

export function trimChain(rules: readonly SyscallRule[], defaultAction: Action): SyscallRule[] {
  const out: SyscallRule[] = [];
  for (const rule of rules) {
    out.push(rule);
    if (rule.args.length === 0) break;
  }
  while (out.length > 0 && out[out.length - 1]!.action.value === defaultAction.value) out.pop();
  return out;
}

/** Builds the chain's node; `fallback` is where a syscall goes when no rule matches. */
export function chainNode(b: IrBuilder, rules: readonly SyscallRule[], argBits: 32 | 64, fallback: Node): Node {
  let next = fallback;
  let i = rules.length;
  while (i > 0) {
    const group = membershipGroupEnding(rules, i);
    if (group > 1) {
      const members = rules.slice(i - group, i);
      const first = members[0]!;
      const values = members.map((r) => r.args[0]!.value);
      next = membershipNode(b, first.args[0]!.index, argBits, values, b.ret(first.action.value), next);
      i -= group;
      continue;
    }
    const rule = rules[--i]!;
    const matched = b.ret(rule.action.value);
    next = rule.args.reduceRight<Node>((onTrue, c) => conditionNode(b, c, argBits, onTrue, next), matched);
  }
  return next;
}

const isSingleEq = (r: SyscallRule) => r.args.length === 1 && r.args[0]!.op === "EQ";

/** How many rules ending at index `end` (exclusive) form one membership test (1 = none). */
function membershipGroupEnding(rules: readonly SyscallRule[], end: number): number {
  const last = rules[end - 1]!;
  if (!isSingleEq(last)) return 1;
  let start = end - 1;
  while (start > 0) {
    const r = rules[start - 1]!;
    if (!isSingleEq(r) || r.args[0]!.index !== last.args[0]!.index || r.action.value !== last.action.value) break;
    start--;
  }
  return end - start;
}
