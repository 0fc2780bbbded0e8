/**
 * Argument comparisons as BPF. Classic BPF has a 32-bit accumulator, so a 64-bit comparison tests
 * the high word first and looks at the low word only when the high words are equal:
 *   a > v  <=>  hi(a) > hi(v) || (hi(a) == hi(v) && lo(a) > lo(v))    (unsigned)
 * LT/LE/NE are the negations of GE/GT/EQ (true and false exits swapped). MASKED_EQ tests
 * (a & value) == valueTwo word by word, as a JSET when the datum word is 0.
 *
 * 32-bit ABIs (i386) compare only the low words, with the rule's values truncated to 32 bits, as
 * libseccomp does: the kernel's seccomp_data holds 64-bit slots but a 32-bit task controls only
 * their low halves.
 */
import type { ArgCondition } from "../profile/types.ts";
import { argHighOffset, argLowOffset } from "./bpf.ts";
import type { IrBuilder, Node } from "./ir.ts";

const LOW = 0xffffffffn;
const hiWord = (v: bigint) => Number((v >> 32n) & LOW);
const loWord = (v: bigint) => Number(v & LOW);

/** A node that goes to `t` if the condition holds for the syscall's argument, else to `f`. */
export function conditionNode(b: IrBuilder, c: ArgCondition, argBits: 32 | 64, t: Node, f: Node): Node {
  const lo = argLowOffset(c.index);
  const hi = argHighOffset(c.index);
  const wide = argBits === 64;
  const value = wide ? c.value : c.value & LOW;

  switch (c.op) {
    case "EQ":
      return equals(b, c.index, wide, value, t, f);
    case "NE":
      return equals(b, c.index, wide, value, f, t);
    case "GT":
      return greater(b, lo, hi, wide, value, false, t, f);
    case "GE":
      return greater(b, lo, hi, wide, value, true, t, f);
    case "LE":
      return greater(b, lo, hi, wide, value, false, f, t);
    case "LT":
      return greater(b, lo, hi, wide, value, true, f, t);
    case "MASKED_EQ": {
      const mask = value;
      const datum = wide ? c.valueTwo : c.valueTwo & LOW;
      if ((datum & ~mask) !== 0n) return f; // bits outside the mask can never match
      const low = maskedWord(b, lo, loWord(mask), loWord(datum), t, f);
      return wide ? maskedWord(b, hi, hiWord(mask), hiWord(datum), low, f) : low;
    }
  }
}

function equals(b: IrBuilder, index: number, wide: boolean, v: bigint, t: Node, f: Node): Node {
  const low = b.ld(argLowOffset(index), b.jmp("jeq", loWord(v), t, f));
  return wide ? b.ld(argHighOffset(index), b.jmp("jeq", hiWord(v), low, f)) : low;
}

/** a > v (orEqual: a >= v) on unsigned 64- or 32-bit values. */
function greater(b: IrBuilder, lo: number, hi: number, wide: boolean, v: bigint, orEqual: boolean, t: Node, f: Node): Node {
  const low = b.ld(lo, b.jmp(orEqual ? "jge" : "jgt", loWord(v), t, f));
  if (!wide) return low;
  const vh = hiWord(v);
  if (orEqual && loWord(v) === 0) return b.ld(hi, b.jmp("jge", vh, t, f)); // low word always >= 0
  return b.ld(hi, b.jmp("jgt", vh, t, b.jmp("jeq", vh, low, f)));
}

function maskedWord(b: IrBuilder, offset: number, mask: number, datum: number, t: Node, f: Node): Node {
  if (mask === 0) return t; // (x & 0) == 0, and datum is 0 here (checked by the caller)
  if (datum === 0) return b.ld(offset, b.jmp("jset", mask, f, t));
  return b.ld(offset, b.and(mask, b.jmp("jeq", datum, t, f)));
}

/**
 * "Argument `index` equals one of `values`": consecutive rules of one syscall that each test one
 * argument for equality with the same action (Docker's personality rules) become one membership
 * test that loads each word once, instead of reloading both words per rule.
 */
export function membershipNode(b: IrBuilder, index: number, argBits: 32 | 64, values: bigint[], t: Node, f: Node): Node {
  const wide = argBits === 64;
  const byHigh = new Map<number, number[]>();
  for (const raw of values) {
    const v = wide ? raw : raw & LOW;
    const h = wide ? hiWord(v) : 0;
    const lows = byHigh.get(h) ?? [];
    if (!lows.includes(loWord(v))) lows.push(loWord(v));
    byHigh.set(h, lows);
  }
  const lowTest = (lows: number[]) =>
    b.ld(
      argLowOffset(index),
      lows.reduceRight<Node>((next, l) => b.jmp("jeq", l, t, next), f),
    );
  if (!wide) return lowTest(byHigh.get(0)!);
  const highChain = [...byHigh].reduceRight<Node>((next, [h, lows]) => b.jmp("jeq", h, lowTest(lows), next), f);
  return b.ld(argHighOffset(index), highChain);
}
