/**
 * What a filter is compiled for, and which parts of a profile apply to it. Shared by the compiler
 * and the reference evaluator, so both read a profile's includes/excludes the same way (Docker's):
 * - includes.arches: the rule applies only if the target's native arch is listed;
 *   excludes.arches: it is dropped if it is;
 * - includes.caps: ALL listed capabilities must be in the container's set;
 *   excludes.caps: dropped if ANY listed capability is;
 * - includes.minKernel: applies on that kernel or newer; excludes.minKernel: dropped there.
 * An unknown kernel counts as new (minKernel conditions hold); no capability set means none.
 */
import { matchesNativeArch, nativeScmpArch } from "../profile/arches.ts";
import { normalizeCapabilities } from "../profile/capabilities.ts";
import type { Profile, ProfileIssue, SyscallRule } from "../profile/types.ts";
import { ABIS, type Abi, type NativeArch, SUPPORTED_SUB_ABIS, abiByScmpArch } from "../syscalls/abis.ts";

export interface CompileTarget {
  arch: NativeArch;
  /** The container's capabilities (bounding set), any spelling: CAP_SYS_ADMIN or sys_admin. */
  capabilities?: Iterable<string>;
  /** [major, minor] of the kernel the filter will run on. */
  kernel?: readonly [number, number];
}

export interface ResolvedTarget {
  arch: NativeArch;
  capabilities: Set<string>;
  kernel?: readonly [number, number];
}

export function resolveTarget(target: CompileTarget): ResolvedTarget {
  if (target.arch !== "x86_64" && target.arch !== "aarch64") {
    throw new Error(`unsupported target architecture '${String(target.arch)}' (x86_64 or aarch64)`);
  }
  return { arch: target.arch, capabilities: normalizeCapabilities(target.capabilities), kernel: target.kernel };
}

const atLeast = (k: readonly [number, number], min: readonly [number, number]) => k[0] > min[0] || (k[0] === min[0] && k[1] >= min[1]);

export function ruleApplies(rule: SyscallRule, t: ResolvedTarget): boolean {
  const { includes: inc, excludes: exc } = rule;
  if (inc.arches.length > 0 && !matchesNativeArch(inc.arches, t.arch)) return false;
  if (exc.arches.length > 0 && matchesNativeArch(exc.arches, t.arch)) return false;
  if (inc.caps.some((c) => !t.capabilities.has(c))) return false;
  if (exc.caps.some((c) => t.capabilities.has(c))) return false;
  if (inc.minKernel && t.kernel && !atLeast(t.kernel, inc.minKernel)) return false;
  if (exc.minKernel && (!t.kernel || atLeast(t.kernel, exc.minKernel))) return false;
  return true;
}

/**
 * The ABIs the filter covers: the native one plus the sub-architectures the profile's archMap
 * entry for it names and we support (x32 and i386 under x86_64). Processes of any other
 * architecture are killed.
 */
export function filterAbis(profile: Profile, arch: NativeArch, warnings?: ProfileIssue[]): Abi[] {
  const native = nativeScmpArch(arch);
  const abis: Abi[] = [ABIS[arch]];
  profile.archMap.forEach((entry, i) => {
    if (entry.architecture !== native && entry.architecture !== "SCMP_ARCH_NATIVE") return;
    for (const sub of entry.subArchitectures) {
      const abi = abiByScmpArch(sub);
      if (abi && SUPPORTED_SUB_ABIS[arch].includes(abi.name)) {
        if (!abis.includes(abi)) abis.push(abi);
      } else if (arch === "aarch64" && sub === "SCMP_ARCH_ARM") {
        warnings?.push({
          path: `archMap[${i}]`,
          message: "sub-architecture SCMP_ARCH_ARM is not supported: 32-bit ARM processes will be killed",
        });
      }
    }
  });
  return abis;
}
