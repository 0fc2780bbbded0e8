/**
 * The compiler's intermediate form: a DAG of decision nodes, each one BPF instruction, before it is
 * laid out in a line with concrete jump offsets. Nodes are hash-consed: building the same node
 * twice returns the same object, so identical tails (the default action, a repeated argument check)
 * are shared, and "same outcome" is object identity, which the search tree uses to merge ranges.
 */

export type JumpOp = "jeq" | "jgt" | "jge" | "jset";

export type Node = RetNode | LoadNode | AndNode | JumpNode;

interface NodeBase {
  readonly id: number;
}
export interface RetNode extends NodeBase {
  readonly kind: "ret";
  readonly k: number;
}
/** `ld [offset]`: loads a 32-bit word of seccomp_data into the accumulator. */
export interface LoadNode extends NodeBase {
  readonly kind: "ld";
  readonly offset: number;
  readonly next: Node;
}
export interface AndNode extends NodeBase {
  readonly kind: "and";
  readonly k: number;
  readonly next: Node;
}
/** Compares the accumulator with k: to `t` if the comparison holds, else to `f`. */
export interface JumpNode extends NodeBase {
  readonly kind: "jmp";
  readonly op: JumpOp;
  readonly k: number;
  readonly t: Node;
  readonly f: Node;
}

export class IrBuilder {
  private readonly nodes = new Map<string, Node>();
  private readonly costs = new Map<number, number>();

  private intern<N extends Node>(key: string, make: (id: number) => N): N {
    let node = this.nodes.get(key);
    if (!node) {
      node = make(this.nodes.size);
      this.nodes.set(key, node);
    }
    return node as N;
  }

  ret(k: number): RetNode {
    k >>>= 0;
    return this.intern(`r${k}`, (id) => ({ id, kind: "ret", k }));
  }

  ld(offset: number, next: Node): LoadNode {
    return this.intern(`l${offset}:${next.id}`, (id) => ({ id, kind: "ld", offset, next }));
  }

  and(k: number, next: Node): Node {
    k >>>= 0;
    if (k === 0xffffffff) return next; // identity
    return this.intern(`a${k}:${next.id}`, (id) => ({ id, kind: "and", k, next }));
  }

  /** A comparison; folds the ones whose result does not depend on the accumulator. */
  jmp(op: JumpOp, k: number, t: Node, f: Node): Node {
    k >>>= 0;
    if (t === f) return t;
    if (op === "jge" && k === 0) return t;
    if (op === "jgt" && k === 0xffffffff) return f;
    if (op === "jset" && k === 0) return f;
    return this.intern(`j${op}${k}:${t.id}:${f.id}`, (id) => ({ id, kind: "jmp", op, k, t, f }));
  }

  /** Longest path (instructions executed, the final ret included) from a node to a return. */
  cost(node: Node): number {
    const known = this.costs.get(node.id);
    if (known !== undefined) return known;
    let c: number;
    if (node.kind === "ret") c = 1;
    else if (node.kind === "jmp") c = 1 + Math.max(this.cost(node.t), this.cost(node.f));
    else c = 1 + this.cost(node.next);
    this.costs.set(node.id, c);
    return c;
  }
}
