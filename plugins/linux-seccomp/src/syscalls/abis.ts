/**
 * The system-call ABIs a filter can cover: the two native architectures we target and the
 * x86 sub-architectures (i386, x32) a profile's archMap can add to an x86_64 filter.
 * Each ABI pairs the AUDIT_ARCH value the kernel puts in `seccomp_data.arch` with its table.
 */
import { AARCH64_SYSCALLS } from "./aarch64.ts";
import { I386_SYSCALLS } from "./i386.ts";
import { X32_SYSCALLS } from "./x32.ts";
import { X86_64_SYSCALLS } from "./x86_64.ts";

export type NativeArch = "x86_64" | "aarch64";
export type AbiName = NativeArch | "i386" | "x32";

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
/** x32 system calls run under AUDIT_ARCH_X86_64 with this bit set in the number. */
export const X32_SYSCALL_BIT = 0x40000000;

export interface Abi {
  name: AbiName;
  /** libseccomp's name for it, as used in a profile's archMap / architectures. */
  scmpArch: string;
  audit: number;
  /** 32-bit ABIs only see the low word of each argument (see compiler/arg-conditions.ts). */
  argBits: 32 | 64;
  table: Readonly<Record<string, number>>;
}

export const ABIS: Readonly<Record<AbiName, Abi>> = {
  x86_64: { name: "x86_64", scmpArch: "SCMP_ARCH_X86_64", audit: AUDIT_ARCH_X86_64, argBits: 64, table: X86_64_SYSCALLS },
  x32: { name: "x32", scmpArch: "SCMP_ARCH_X32", audit: AUDIT_ARCH_X86_64, argBits: 64, table: X32_SYSCALLS },
  i386: { name: "i386", scmpArch: "SCMP_ARCH_X86", audit: AUDIT_ARCH_I386, argBits: 32, table: I386_SYSCALLS },
  aarch64: { name: "aarch64", scmpArch: "SCMP_ARCH_AARCH64", audit: AUDIT_ARCH_AARCH64, argBits: 64, table: AARCH64_SYSCALLS },
};

/** Sub-architectures we can compile for, per native architecture (ARM compat is not supported). */
export const SUPPORTED_SUB_ABIS: Readonly<Record<NativeArch, readonly AbiName[]>> = {
  x86_64: ["x32", "i386"],
  aarch64: [],
};

export function abiByScmpArch(scmpArch: string): Abi | undefined {
  return Object.values(ABIS).find((abi) => abi.scmpArch === scmpArch);
}

export function syscallNumber(abi: AbiName, name: string): number | undefined {
  const table = ABIS[abi].table;
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

const reverse = new Map<AbiName, Map<number, string[]>>();
/** The names that map to a number on an ABI (usually one). */
export function syscallNames(abi: AbiName, nr: number): readonly string[] {
  let byNr = reverse.get(abi);
  if (!byNr) {
    byNr = new Map();
    for (const [name, n] of Object.entries(ABIS[abi].table)) byNr.set(n, [...(byNr.get(n) ?? []), name]);
    reverse.set(abi, byNr);
  }
  return byNr.get(nr) ?? [];
}

/** True if any of our tables knows the name: tells a likely typo from another arch's syscall. */
export function knownOnSomeAbi(name: string): boolean {
  return Object.values(ABIS).some((abi) => Object.hasOwn(abi.table, name));
}
