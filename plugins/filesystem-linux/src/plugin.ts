/**
 * `filesystem/linux` as a built-in plugin: the agent builds it from its flags;
 * `mesos isolator serve filesystem/linux --work_dir=...` serves it out of process.
 */
import { resolve } from "node:path";
import { failedPrecondition, flag } from "@mesos/core";
import { defineIsolatorPlugin } from "@mesos/plugin-api";
import { createFilesystemLinuxIsolator } from "./filesystem-linux-isolator.ts";

export const filesystemLinuxPlugin = defineIsolatorPlugin({
  name: "filesystem/linux",
  summary: "runs containers in their image's root filesystem; mounts their persistent volumes",
  flags: {},
  agentFlags: {
    work_dir: flag.string("The agent's --work_dir, where persistent volumes live", { required: true }),
    sandbox_directory: flag.string("The agent's --sandbox_directory: where a container with its own root filesystem sees its sandbox", {
      default: "/mnt/mesos/sandbox",
    }),
  },
  create(flags, { agent }) {
    if (agent && agent.launcher !== "linux") throw failedPrecondition("'filesystem/linux' isolator requires 'linux' launcher");
    return createFilesystemLinuxIsolator({ workDir: resolve(flags.work_dir), sandboxDirectory: flags.sandbox_directory });
  },
});
