/**
 * Facts about a finished program, computed from the instructions themselves (not from the IR), so
 * they hold for exactly what the kernel runs: the checks the kernel's seccomp loader makes, and
 * the worst-case path, the most instructions one syscall can execute. Classic BPF jumps only
 * forward, so the program is a DAG and one backward pass gives every instruction's longest path.
 */
import { BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_MAXINSNS, BPF_RET, BPF_W, BPF_ABS, type Instruction, SECCOMP_DATA_SIZE } from "./bpf.ts";

const cls = (code: number) => code & 0x07;
const isCondJump = (ins: Instruction) => cls(ins.code) === BPF_JMP && (ins.code & 0xf0) !== BPF_JA;
const isJa = (ins: Instruction) => ins.code === (BPF_JMP | BPF_JA);

/** Successor indices of instruction `pc` (none for a return). */
export function successors(program: readonly Instruction[], pc: number): number[] {
  const ins = program[pc]!;
  if (cls(ins.code) === BPF_RET) return [];
  if (isJa(ins)) return [pc + 1 + (ins.k >>> 0)];
  if (isCondJump(ins)) return ins.jt === ins.jf ? [pc + 1 + ins.jt] : [pc + 1 + ins.jt, pc + 1 + ins.jf];
  return [pc + 1];
}

/** The longest path from the first instruction to a return, counting every instruction on it. */
export function worstCasePath(program: readonly Instruction[]): number {
  const longest = new Int32Array(program.length);
  for (let pc = program.length - 1; pc >= 0; pc--) {
    let best = 0;
    for (const s of successors(program, pc)) best = Math.max(best, longest[s]!);
    longest[pc] = 1 + best;
  }
  return program.length === 0 ? 0 : longest[0]!;
}

/** Problems the kernel would reject the program for (empty: loadable), in the spirit of seccomp_check_filter. */
export function validateProgram(program: readonly Instruction[]): string[] {
  const problems: string[] = [];
  if (program.length === 0) problems.push("the program is empty");
  if (program.length > BPF_MAXINSNS) problems.push(`${program.length} instructions exceed the kernel's limit of ${BPF_MAXINSNS}`);
  program.forEach((ins, pc) => {
    if (ins.code === (BPF_LD | BPF_W | BPF_ABS) && (ins.k % 4 !== 0 || ins.k >= SECCOMP_DATA_SIZE)) {
      problems.push(`${pc}: load of offset ${ins.k} is outside or misaligned in seccomp_data`);
    }
    for (const s of successors(program, pc)) {
      if (s >= program.length) problems.push(`${pc}: jumps past the end of the program (to ${s})`);
    }
    if (ins.jt > 255 || ins.jf > 255) problems.push(`${pc}: jump offset does not fit in 8 bits`);
  });
  const last = program[program.length - 1];
  if (last && cls(last.code) !== BPF_RET) problems.push("the last instruction is not a return");
  if (last && cls(last.code) === BPF_RET && (last.code & 0x18) !== BPF_K && last.code !== (BPF_RET | 0x10)) {
    problems.push("the last return has an invalid source");
  }
  return problems;
}
