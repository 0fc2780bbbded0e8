/**
 * A tiny classic-BPF interpreter with the kernel's seccomp semantics: the packet is
 * `struct seccomp_data` (64 bytes, little-endian), A and X are 32-bit, 16 scratch words.
 * It runs what the kernel accepts for seccomp (loads, ALU, jumps, returns, TAX/TXA), so tests can
 * check a compiled program's verdict without installing it, and reports how many instructions ran.
 */
import type { Instruction } from "./bpf.ts";
import { SECCOMP_DATA_SIZE } from "./bpf.ts";

export interface SeccompData {
  nr: number;
  arch: number;
  instruction_pointer?: bigint;
  args?: readonly bigint[]; // up to 6, each a u64
}

export interface BpfRun {
  /** The 32-bit return value (SECCOMP_RET_*). */
  value: number;
  /** Instructions executed, the return included. */
  steps: number;
}

const U64 = (1n << 64n) - 1n;

export function encodeSeccompData(d: SeccompData): DataView {
  const view = new DataView(new ArrayBuffer(SECCOMP_DATA_SIZE));
  view.setUint32(0, d.nr >>> 0, true);
  view.setUint32(4, d.arch >>> 0, true);
  view.setBigUint64(8, (d.instruction_pointer ?? 0n) & U64, true);
  for (let i = 0; i < 6; i++) view.setBigUint64(16 + 8 * i, (d.args?.[i] ?? 0n) & U64, true);
  return view;
}

export function runBpf(program: readonly Instruction[], data: SeccompData): BpfRun {
  const packet = encodeSeccompData(data);
  const mem = new Uint32Array(16);
  let a = 0;
  let x = 0;
  let steps = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc]!;
    steps++;
    const src = code & 0x08 ? x : k >>> 0; // BPF_X or BPF_K operand
    switch (code & 0x07) {
      case 0x00: // BPF_LD
      case 0x01: {
        // BPF_LDX
        const mode = code & 0xe0;
        let v: number;
        if (mode === 0x20) {
          if (k % 4 !== 0 || k + 4 > SECCOMP_DATA_SIZE) throw new Error(`${pc}: bad load offset ${k}`);
          v = packet.getUint32(k, true);
        } else if (mode === 0x80)
          v = SECCOMP_DATA_SIZE; // BPF_LEN
        else if (mode === 0x00)
          v = k >>> 0; // BPF_IMM
        else if (mode === 0x60)
          v = mem[k & 15]!; // BPF_MEM
        else throw new Error(`${pc}: unsupported load mode 0x${mode.toString(16)}`);
        if ((code & 0x07) === 0x00) a = v;
        else x = v;
        break;
      }
      case 0x02: // BPF_ST
        mem[k & 15] = a;
        break;
      case 0x03: // BPF_STX
        mem[k & 15] = x;
        break;
      case 0x04: // BPF_ALU
        a = alu(code & 0xf0, a, src, pc);
        break;
      case 0x05: {
        // BPF_JMP
        const op = code & 0xf0;
        if (op === 0x00) {
          pc += k >>> 0;
          break;
        }
        const taken = op === 0x10 ? a === src : op === 0x20 ? a > src : op === 0x30 ? a >= src : op === 0x40 ? (a & src) !== 0 : fail(pc, code);
        pc += taken ? jt : jf;
        break;
      }
      case 0x06: // BPF_RET
        return { value: (code & 0x18) === 0x10 ? a : k >>> 0, steps };
      case 0x07: // BPF_MISC: TAX / TXA
        if (code & 0x80) a = x;
        else x = a;
        break;
    }
  }
  throw new Error("the program ran off its end without returning");
}

function alu(op: number, a: number, v: number, pc: number): number {
  switch (op) {
    case 0x00:
      return (a + v) >>> 0;
    case 0x10:
      return (a - v) >>> 0;
    case 0x20:
      return Math.imul(a, v) >>> 0;
    case 0x30:
      return v === 0 ? fail(pc, op) : Math.floor(a / v) >>> 0;
    case 0x40:
      return (a | v) >>> 0;
    case 0x50:
      return (a & v) >>> 0;
    case 0x60:
      return v >= 32 ? 0 : (a << v) >>> 0;
    case 0x70:
      return v >= 32 ? 0 : a >>> v;
    case 0x80:
      return -a >>> 0;
    case 0x90:
      return v === 0 ? fail(pc, op) : a % v;
    case 0xa0:
      return (a ^ v) >>> 0;
    default:
      return fail(pc, op);
  }
}

function fail(pc: number, code: number): never {
  throw new Error(`${pc}: unsupported instruction 0x${code.toString(16)}`);
}
