/**
 * Lays the IR DAG out as a straight BPF program. Classic BPF only jumps forward, so nodes go in a
 * topological order: reverse post-order of a depth-first walk that visits a jump's true side
 * first, which puts its false side (and a load's successor) right after it.
 *
 * Conditional jumps reach at most 255 instructions ahead (jt/jf are 8 bits). A jump that must go
 * further gets a stepping stone inserted right after it: a copy of the target if that is a `ret`
 * (one instruction, and the path gets no longer), otherwise a `ja` with its 32-bit offset.
 * Insertions only lengthen other jumps, so we repeat until every jump fits. A jump side gets at
 * most one stone (which then sits right after it for good), so this ends.
 */
import { type Instruction, OP_AND_K, OP_JA, OP_JEQ_K, OP_JGE_K, OP_JGT_K, OP_JSET_K, OP_LD_ABS, OP_RET_K } from "./bpf.ts";
import type { JumpOp, Node } from "./ir.ts";

const MAX_JUMP = 255;
const JUMP_CODES: Record<JumpOp, number> = { jeq: OP_JEQ_K, jgt: OP_JGT_K, jge: OP_JGE_K, jset: OP_JSET_K };

/** A placed instruction; targets are slots so insertions do not invalidate them. */
interface Slot {
  code: number;
  k: number;
  t?: Slot; // jump true target, or the `ja` target
  f?: Slot; // jump false target
  next?: Slot; // for ld/and: the successor, which must follow immediately
}

export function layout(root: Node): Instruction[] {
  let slots = placeNodes(root);
  for (;;) {
    const inserted = fixReach(slots);
    if (inserted === slots) break;
    slots = inserted;
  }
  const pos = new Map<Slot, number>(slots.map((s, i) => [s, i]));
  return slots.map((s, i) => {
    const rel = (target: Slot | undefined) => pos.get(target!)! - i - 1;
    if (s.code === OP_JA) return { code: s.code, jt: 0, jf: 0, k: rel(s.t) };
    if (s.f) return { code: s.code, jt: rel(s.t), jf: rel(s.f), k: s.k };
    return { code: s.code, jt: 0, jf: 0, k: s.k };
  });
}

function placeNodes(root: Node): Slot[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const visit = (n: Node) => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.kind === "jmp") {
      visit(n.t);
      visit(n.f);
    } else if (n.kind !== "ret") visit(n.next);
    order.push(n);
  };
  visit(root);
  order.reverse();

  const slotOf = new Map<Node, Slot>();
  for (const n of order) {
    const code = n.kind === "ret" ? OP_RET_K : n.kind === "ld" ? OP_LD_ABS : n.kind === "and" ? OP_AND_K : JUMP_CODES[n.op];
    slotOf.set(n, { code, k: n.kind === "ld" ? n.offset : n.k });
  }
  const slots: Slot[] = [];
  order.forEach((n, i) => {
    const s = slotOf.get(n)!;
    slots.push(s);
    if (n.kind === "jmp") {
      s.t = slotOf.get(n.t);
      s.f = slotOf.get(n.f);
    } else if (n.kind !== "ret") {
      s.next = slotOf.get(n.next);
      // A shared successor placed elsewhere: fall through into a jump to it.
      if (order[i + 1] !== n.next) slots.push({ code: OP_JA, k: 0, t: s.next });
    }
  });
  return slots;
}

/** Inserts stepping stones for out-of-reach jumps; returns the same array when none is needed. */
function fixReach(slots: Slot[]): Slot[] {
  const pos = new Map<Slot, number>(slots.map((s, i) => [s, i]));
  const extra = new Map<number, Slot[]>(); // insert after index
  slots.forEach((s, i) => {
    if (!s.f) return; // only conditional jumps have 8-bit offsets
    for (const side of ["t", "f"] as const) {
      const target = s[side]!;
      if (pos.get(target)! - i - 1 <= MAX_JUMP) continue;
      const near = target.code === OP_RET_K ? nearbyCopy(slots, i, target.k) : undefined;
      if (near) {
        s[side] = near;
        continue;
      }
      const stone: Slot = target.code === OP_RET_K ? { code: OP_RET_K, k: target.k } : { code: OP_JA, k: 0, t: target };
      s[side] = stone;
      extra.set(i, [...(extra.get(i) ?? []), stone]);
    }
  });
  if (extra.size === 0) return slots;
  return slots.flatMap((s, i) => [s, ...(extra.get(i) ?? [])]);
}

/** An existing `ret k` within reach of the jump at `from`, to share instead of adding a copy. */
function nearbyCopy(slots: Slot[], from: number, k: number): Slot | undefined {
  // Leave headroom: insertions made in this same pass may push it a few slots further.
  for (let j = from + 1; j < slots.length && j - from - 1 <= MAX_JUMP - 16; j++) {
    const s = slots[j]!;
    if (s.code === OP_RET_K && s.k === k) return s;
  }
  return undefined;
}
