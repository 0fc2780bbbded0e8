/**
 * Linux capability names, normalized to the CAP_* spelling Docker profiles use, so that a profile's
 * `includes.caps` and the capability set a container gets compare equal however they are written.
 */

/** capability(7), Linux 5.9+ (CAP_CHECKPOINT_RESTORE is the newest). */
export const LINUX_CAPABILITIES = new Set(
  [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
  ].map((c) => `CAP_${c}`),
);

/** `sys_admin`, `SYS_ADMIN` and `CAP_SYS_ADMIN` all become `CAP_SYS_ADMIN`. */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  return upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
}

export function normalizeCapabilities(names: Iterable<string> | undefined): Set<string> {
  return new Set([...(names ?? [])].map(normalizeCapability));
}

/** capability(7) numbers: LINUX_CAPABILITIES lists them in order, CAP_CHOWN = 0. */
const BY_NUMBER = [...LINUX_CAPABILITIES];

/** The CAP_* names of a capability mask as /proc/PID/status prints it (`CapBnd: 000001ffffffffff`). */
export function capabilitiesFromMask(mask: bigint | string): string[] {
  const bits = typeof mask === "string" ? BigInt(`0x${mask.trim()}`) : mask;
  return BY_NUMBER.filter((_, i) => ((bits >> BigInt(i)) & 1n) === 1n);
}

/** The number of a capability (any spelling), or undefined if Linux has no such capability. */
export function capabilityNumber(name: string): number | undefined {
  const i = BY_NUMBER.indexOf(normalizeCapability(name));
  return i < 0 ? undefined : i;
}
