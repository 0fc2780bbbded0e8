import { describe, expect, test } from "bun:test";
import { runBpf } from "./bpf-interpreter.ts";
import type { Instruction } from "./bpf.ts";

const I = (code: number, k: number, jt = 0, jf = 0): Instruction => ({ code, jt, jf, k });

describe("runBpf", () => {
  test("loads seccomp_data fields little-endian: nr, arch, the ip and both words of each argument", () => {
    const data = { nr: 59, arch: 0xc000003e, instruction_pointer: 0x1122334455667788n, args: [0n, 0n, 0n, 0n, 0n, 0xdeadbeefcafef00dn] };
    const load = (k: number) => runBpf([I(0x20, k), I(0x16, 0)], data).value; // ld [k]; ret A
    expect(load(0)).toBe(59);
    expect(load(4)).toBe(0xc000003e);
    expect(load(8)).toBe(0x55667788);
    expect(load(12)).toBe(0x11223344);
    expect(load(56)).toBe(0xcafef00d);
    expect(load(60)).toBe(0xdeadbeef);
    expect(() => load(64)).toThrow("bad load offset 64");
  });

  test("jumps are unsigned and relative; ALU, scratch memory and X work", () => {
    const program = [
      I(0x00, 0xfffffffe), // ld #0xfffffffe
      I(0x35, 1, 1, 0), //    jge #1 -> +1 (unsigned: taken)
      I(0x06, 1), //          ret 1 (skipped)
      I(0x04, 3), //          add #3  -> 1 (wraps)
      I(0x02, 4), //          st M[4]
      I(0x61, 4), //          ldx M[4]
      I(0x0c, 0), //          add X   -> 2
      I(0x45, 2, 1, 0), //    jset #2 -> +1 (ret A)
      I(0x06, 99),
      I(0x16, 0),
    ];
    expect(runBpf(program, { nr: 0, arch: 0 })).toEqual({ value: 2, steps: 8 });
  });

  test("a program that runs off its end is an error", () => {
    expect(() => runBpf([I(0x20, 0)], { nr: 0, arch: 0 })).toThrow("ran off its end");
  });
});
