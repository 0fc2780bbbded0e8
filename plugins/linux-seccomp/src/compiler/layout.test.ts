import { describe, expect, test } from "bun:test";
import { disassemble } from "./bpf.ts";
import { runBpf } from "./bpf-interpreter.ts";
import { IrBuilder, type Node } from "./ir.ts";
import { layout } from "./layout.ts";
import { validateProgram, worstCasePath } from "./program-analysis.ts";

/** nr == 7 -> `far`; otherwise a chain of `n` jeq tests (each to its own ret) that pushes `far` away. */
function farJump(b: IrBuilder, far: Node, n: number): Node {
  let chain: Node = b.ret(0x50000);
  for (let i = n; i > 0; i--) chain = b.jmp("jeq", 1000 + i, b.ret(0x50000 + i), chain);
  return b.ld(0, b.jmp("jeq", 7, far, chain));
}

describe("layout", () => {
  test("a far jump to a return gets a copy of the return right after it (no extra step)", () => {
    const b = new IrBuilder();
    const program = layout(farJump(b, b.ret(0x7fff0000), 300));
    expect(validateProgram(program)).toEqual([]);
    expect(disassemble(program.slice(0, 3)).split("\n")).toEqual(["0000: ld [0]", "0001: jeq 0x7 true:0002 false:0003", "0002: ret 0x7fff0000"]);
    expect(runBpf(program, { nr: 7, arch: 0 })).toEqual({ value: 0x7fff0000, steps: 3 });
    expect(runBpf(program, { nr: 1300, arch: 0 }).value).toBe(0x50000 + 300);
  });

  test("a far jump to other code goes through a `ja` stepping stone", () => {
    const b = new IrBuilder();
    const far = b.ld(16, b.jmp("jeq", 5, b.ret(0x7fff0000), b.ret(0x30000)));
    const program = layout(farJump(b, far, 300));
    expect(validateProgram(program)).toEqual([]);
    expect(program[1]).toMatchObject({ code: 0x15, jt: 0, jf: 1, k: 7 });
    expect(program[2]!.code).toBe(0x05); // ja
    expect(program[2]!.k).toBeGreaterThan(255);
    expect(runBpf(program, { nr: 7, arch: 0, args: [5n] })).toEqual({ value: 0x7fff0000, steps: 6 });
    expect(runBpf(program, { nr: 7, arch: 0, args: [6n] }).value).toBe(0x30000);
  });

  test("the worst-case path is measured on the final program, stepping stones included", () => {
    const b = new IrBuilder();
    const far = b.ld(16, b.jmp("jeq", 5, b.ret(0x7fff0000), b.ret(0x30000)));
    const root = farJump(b, far, 300);
    const program = layout(root);
    expect(worstCasePath(program)).toBe(b.cost(root)); // the longest path is the chain, unaffected
    expect(worstCasePath(program)).toBe(1 + 1 + 300 + 1);
  });
});
