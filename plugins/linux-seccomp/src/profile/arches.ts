/**
 * Architecture names in profiles. Two vocabularies meet in Docker's format:
 * - `archMap` / `architectures` use libseccomp's SCMP_ARCH_* names;
 * - `includes.arches` / `excludes.arches` use Go's (Docker's) names: amd64, arm64, x86, x32, ...
 * A rule's arch filter is matched against the target's native name only, as Docker does; the
 * rule then applies to every ABI in the filter where its syscall names resolve.
 */
import type { NativeArch } from "../syscalls/abis.ts";

/** Every SCMP_ARCH_* libseccomp defines; other spellings are rejected. */
export const SCMP_ARCHES = new Set([
  "SCMP_ARCH_NATIVE",
  "SCMP_ARCH_X86",
  "SCMP_ARCH_X86_64",
  "SCMP_ARCH_X32",
  "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K",
  "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",
  "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",
  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64",
  "SCMP_ARCH_RISCV64",
  "SCMP_ARCH_SH",
  "SCMP_ARCH_SHEB",
]);

/** Docker/Go arch names seen in includes/excludes (plus the kernel spellings people also write). */
export const RULE_ARCH_NAMES = new Set([
  "amd64",
  "x86_64",
  "386",
  "x86",
  "i386",
  "x32",
  "arm",
  "arm64",
  "aarch64",
  "loong64",
  "m68k",
  "mips",
  "mipsle",
  "mips64",
  "mips64le",
  "mips64n32",
  "mips64len32",
  "ppc",
  "ppc64",
  "ppc64le",
  "riscv64",
  "s390",
  "s390x",
  "parisc",
  "parisc64",
  "sh",
  "sheb",
]);

/** The names under which a rule's includes/excludes refer to a native target. */
const NATIVE_ALIASES: Record<NativeArch, readonly string[]> = {
  x86_64: ["amd64", "x86_64"],
  aarch64: ["arm64", "aarch64"],
};

export function matchesNativeArch(arches: readonly string[], arch: NativeArch): boolean {
  return arches.some((a) => NATIVE_ALIASES[arch].includes(a));
}

export function nativeScmpArch(arch: NativeArch): string {
  return arch === "x86_64" ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";
}

/** The host's architecture in our terms, or undefined if we cannot build filters for it. */
export function hostArch(): NativeArch | undefined {
  if (process.arch === "x64") return "x86_64";
  if (process.arch === "arm64") return "aarch64";
  return undefined;
}
