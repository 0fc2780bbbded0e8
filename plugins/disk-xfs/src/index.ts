/**
 * disk/xfs: XFS project quotas for sandboxes and persistent volumes (Mesos 1.8's isolator).
 * `diskXfsPlugin` is what the agent registers and `mesos isolator serve disk/xfs` serves.
 */
export { diskXfsAgentFlagSpecs, diskXfsPlugin } from "./plugin.ts";
export { createDiskXfsIsolator, DISK_XFS_ISOLATOR, type DiskXfsIsolator, type DiskXfsIsolatorOptions } from "./disk-xfs-isolator.ts";
export { diskXfsFlagSpecs, type DiskXfsFlags } from "./flags.ts";
export { createProjectIds, parseProjectRange, type ProjectIds } from "./project-ids.ts";
export { ACTIVE_HEADROOM, formatBytes, limitationMessage, quotaLimits, quotaPolicy, sandboxQuota, type QuotaPolicy } from "./quota-policy.ts";
export { checkDiskXfsHost, checkXfsPath, pathDiskRoots } from "./startup-checks.ts";
export { systemXfsHost, type FilesystemFacts, type XfsHost } from "./xfs-host.ts";
