/**
 * Classic BPF as seccomp uses it: the instruction record, opcodes, the `struct sock_filter`
 * encoding the kernel reads (8 bytes: u16 code, u8 jt, u8 jf, u32 k, little-endian on the
 * architectures we target) and a disassembler for tests and `mesos seccomp check --dump`.
 */

export interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// Instruction classes and fields (linux/filter.h, linux/bpf_common.h).
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;
export const BPF_W = 0x00;
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_A = 0x10;
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_AND = 0x50;
/** The kernel refuses longer programs (BPF_MAXINSNS). */
export const BPF_MAXINSNS = 4096;

// The few opcodes the compiler emits.
export const OP_LD_ABS = BPF_LD | BPF_W | BPF_ABS; // 0x20
export const OP_AND_K = BPF_ALU | BPF_AND | BPF_K; // 0x54
export const OP_JA = BPF_JMP | BPF_JA; // 0x05
export const OP_JEQ_K = BPF_JMP | BPF_JEQ | BPF_K; // 0x15
export const OP_JGT_K = BPF_JMP | BPF_JGT | BPF_K; // 0x25
export const OP_JGE_K = BPF_JMP | BPF_JGE | BPF_K; // 0x35
export const OP_JSET_K = BPF_JMP | BPF_JSET | BPF_K; // 0x45
export const OP_RET_K = BPF_RET | BPF_K; // 0x06

/** Offsets into `struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }`. */
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export const SECCOMP_DATA_SIZE = 64;
/** Little-endian: the low word of args[i] comes first. */
export const argLowOffset = (i: number) => 16 + 8 * i;
export const argHighOffset = (i: number) => 20 + 8 * i;

export const SOCK_FILTER_SIZE = 8;

/** Encodes instructions as an array of `struct sock_filter`, ready for `struct sock_fprog`. */
export function encodeProgram(program: readonly Instruction[]): Uint8Array {
  const bytes = new Uint8Array(program.length * SOCK_FILTER_SIZE);
  const view = new DataView(bytes.buffer);
  program.forEach((ins, i) => {
    const o = i * SOCK_FILTER_SIZE;
    view.setUint16(o, ins.code, true);
    view.setUint8(o + 2, ins.jt);
    view.setUint8(o + 3, ins.jf);
    view.setUint32(o + 4, ins.k >>> 0, true);
  });
  return bytes;
}

export function decodeProgram(bytes: Uint8Array): Instruction[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) throw new Error(`${bytes.length} bytes is not a whole number of sock_filter records`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Instruction[] = [];
  for (let o = 0; o < bytes.length; o += SOCK_FILTER_SIZE) {
    out.push({ code: view.getUint16(o, true), jt: view.getUint8(o + 2), jf: view.getUint8(o + 3), k: view.getUint32(o + 4, true) });
  }
  return out;
}

const JUMP_NAMES: Record<number, string> = { [BPF_JEQ]: "jeq", [BPF_JGT]: "jgt", [BPF_JGE]: "jge", [BPF_JSET]: "jset" };
const hex = (k: number) => `0x${(k >>> 0).toString(16)}`;

/** One line per instruction, e.g. `0003: jge 0x40000000 true:0012 false:0004`. */
export function disassemble(program: readonly Instruction[]): string {
  return program
    .map((ins, pc) => {
      const at = (n: number) => String(n).padStart(4, "0");
      let text: string;
      if (ins.code === OP_LD_ABS) text = `ld [${ins.k}]`;
      else if (ins.code === OP_AND_K) text = `and ${hex(ins.k)}`;
      else if (ins.code === OP_JA) text = `ja ${at(pc + 1 + ins.k)}`;
      else if (ins.code === OP_RET_K) text = `ret ${hex(ins.k)}`;
      else if ((ins.code & 0x07) === BPF_JMP && JUMP_NAMES[ins.code & 0xf0] && (ins.code & BPF_X) === 0) {
        text = `${JUMP_NAMES[ins.code & 0xf0]} ${hex(ins.k)} true:${at(pc + 1 + ins.jt)} false:${at(pc + 1 + ins.jf)}`;
      } else text = `code=${hex(ins.code)} jt=${ins.jt} jf=${ins.jf} k=${hex(ins.k)}`;
      return `${at(pc)}: ${text}`;
    })
    .join("\n");
}
