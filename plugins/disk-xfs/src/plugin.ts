/**
 * `disk/xfs` as a built-in plugin: the agent builds it from its flags; `mesos isolator serve
 * disk/xfs --socket=PATH --work_dir=DIR [flags]` builds it from the same flags and serves it out of
 * process (it finds sandboxes and volumes in the agent's work dir, so it must be given it).
 */
import { resolve } from "node:path";
import { flag } from "@mesos/core";
import { defineIsolatorPlugin } from "@mesos/plugin-api";
import { createDiskXfsIsolator, DISK_XFS_ISOLATOR } from "./disk-xfs-isolator.ts";
import { diskXfsFlagSpecs } from "./flags.ts";

/** The agent flags disk/xfs reads; the agent has its own specs for them (same types). */
export const diskXfsAgentFlagSpecs = {
  work_dir: flag.string("The agent's --work_dir: where the sandboxes and persistent volumes are", { required: true }),
  resources: flag.string("The agent's --resources: the roots of its PATH disks are checked and scanned too"),
  default_role: flag.string("The agent's --default_role, for reading --resources", { default: "*" }),
};

export const diskXfsPlugin = defineIsolatorPlugin({
  name: DISK_XFS_ISOLATOR,
  summary: "XFS project quotas for sandboxes and persistent volumes (accounting, passive or active)",
  flags: diskXfsFlagSpecs,
  agentFlags: diskXfsAgentFlagSpecs,
  create: (flags, { log, clock }) =>
    createDiskXfsIsolator({
      flags,
      workDir: resolve(flags.work_dir),
      resources: flags.resources,
      defaultRole: flags.default_role,
      clock,
      log,
    }),
});
