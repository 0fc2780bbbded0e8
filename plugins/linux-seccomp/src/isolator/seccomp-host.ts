/**
 * What the isolator needs to know about the host, behind one interface so tests can pretend to be
 * a non-root agent or an old kernel: who we run as, whether the kernel runs seccomp filters, the
 * architecture and kernel version to compile for, and the capability bounding set root tasks get.
 */
import { readFileSync, statSync } from "node:fs";
import { release } from "node:os";
import { seccompSupported } from "@mesos/linux";
import { hostArch } from "../profile/arches.ts";
import { capabilitiesFromMask } from "../profile/capabilities.ts";
import type { NativeArch } from "../syscalls/abis.ts";

export interface SeccompHost {
  isRoot(): boolean;
  /** Why the kernel cannot run our filters, or undefined if it can. */
  unsupportedReason(): string | undefined;
  arch(): NativeArch | undefined;
  kernel(): readonly [number, number] | undefined;
  /** The agent's capability bounding set (CAP_* names): what a task running as root has. */
  boundingSet(): string[];
  /** A user's uid, or undefined if there is no such user. */
  uidOf(user: string): number | undefined;
  readFile(path: string): string;
  isDirectory(path: string): boolean;
}

export function parseKernelRelease(text: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** `CapBnd:` of a /proc/PID/status text. */
export function boundingSetFromStatus(status: string): string[] {
  const m = /^CapBnd:\s*([0-9a-fA-F]+)$/m.exec(status);
  if (!m) throw new Error("/proc/self/status has no CapBnd line");
  return capabilitiesFromMask(m[1]!);
}

export function systemSeccompHost(uidOf: (user: string) => number | undefined): SeccompHost {
  return {
    isRoot: () => process.getuid?.() === 0,
    unsupportedReason: () => {
      const s = seccompSupported();
      return s.supported ? undefined : (s.reason ?? "unknown reason");
    },
    arch: hostArch,
    kernel: () => parseKernelRelease(release()),
    boundingSet: () => boundingSetFromStatus(readFileSync("/proc/self/status", "utf8")),
    uidOf,
    readFile: (path) => readFileSync(path, "utf8"),
    isDirectory: (path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
  };
}
