/**
 * The disk/xfs isolator's agent flags, with Mesos 1.8's names, defaults and meaning. The agent
 * adds them to its own flags; the plugin's own process (main.ts) takes them too.
 */
import { flag, type FlagValues } from "@mesos/core";

export const diskXfsFlagSpecs = {
  xfs_project_range: flag.string("The ranges of XFS project IDs the disk/xfs isolator gives sandboxes and persistent volumes", {
    default: "[5000-10000]",
  }),
  enforce_container_disk_quota: flag.bool(
    "Whether to enforce containers' disk quotas (disk/xfs: writes past the quota fail with ENOSPC/EDQUOT; off: usage is only accounted)",
    { default: false },
  ),
  xfs_kill_containers: flag.bool(
    "Whether the disk/xfs isolator should detect and terminate containers that exceed their allocated disk quota (with --enforce_container_disk_quota)",
    { default: false },
  ),
  container_disk_watch_interval: flag.duration("The interval between disk quota checks for containers (disk/xfs: only with --xfs_kill_containers)", {
    default: 15_000,
  }),
  disk_watch_interval: flag.duration(
    "Periodic time interval to check disk usage; disk/xfs reclaims the project IDs of removed sandboxes and volumes at this interval",
    { default: 60_000 },
  ),
};

export type DiskXfsFlags = FlagValues<typeof diskXfsFlagSpecs>;
