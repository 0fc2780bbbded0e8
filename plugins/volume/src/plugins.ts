/**
 * The volume isolators as built-in plugins: the agent builds them from its flags (and, as Mesos
 * does, refuses to start when what they need is missing); `mesos isolator serve volume/...` builds
 * them from the same flags and serves them out of process, where the agent's launcher is unknown
 * (the agent still refuses mounts without the linux launcher when it launches).
 */
import { join, resolve } from "node:path";
import { failedPrecondition, invalid } from "@mesos/core";
import { defineIsolatorPlugin, type IsolatorPluginDeps } from "@mesos/plugin-api";
import { volumeAgentFlagSpecs, volumeFlagSpecs } from "./flags.ts";
import { parseForceCreation } from "./host-path-creation.ts";
import { createHostPathIsolator, HOST_PATH_ISOLATOR } from "./host-path-isolator.ts";
import { createSandboxPathIsolator, SANDBOX_PATH_ISOLATOR } from "./sandbox-path-isolator.ts";
import { createSecretIsolator, SECRET_ISOLATOR } from "./secret-isolator.ts";

/** Whether the agent mounts: the linux launcher and filesystem/linux (unknown out of process: assumed). */
function bindMounts(agent: IsolatorPluginDeps["agent"]): boolean {
  return !agent || (agent.launcher === "linux" && agent.isolation.includes("filesystem/linux"));
}

export const hostPathPlugin = defineIsolatorPlugin({
  name: HOST_PATH_ISOLATOR,
  summary: "bind-mounts HOST_PATH volumes into containers (--host_path_volume_force_creation)",
  flags: volumeFlagSpecs,
  agentFlags: volumeAgentFlagSpecs,
  create(flags, { agent }) {
    if (agent && agent.launcher !== "linux") throw failedPrecondition("'linux' launcher must be used");
    if (agent && !agent.isolation.includes("filesystem/linux")) throw failedPrecondition("'filesystem/linux' isolator must be used");
    const force = flags.host_path_volume_force_creation;
    return createHostPathIsolator({
      sandboxDirectory: flags.sandbox_directory,
      creation: force === undefined ? undefined : parseForceCreation(force),
    });
  },
});

export const sandboxPathPlugin = defineIsolatorPlugin({
  name: SANDBOX_PATH_ISOLATOR,
  summary: "shares sandbox directories (SANDBOX_PATH volumes, SELF and PARENT) with containers",
  flags: {},
  agentFlags: volumeAgentFlagSpecs,
  create(flags, { agent, log }) {
    return createSandboxPathIsolator({ sandboxDirectory: flags.sandbox_directory, bindMounts: bindMounts(agent), log });
  },
});

export const secretPlugin = defineIsolatorPlugin({
  name: SECRET_ISOLATOR,
  summary: "puts SECRET volumes (inline secrets) into containers as files on a tmpfs",
  flags: {},
  agentFlags: volumeAgentFlagSpecs,
  create(flags, { agent }) {
    if (!bindMounts(agent)) throw failedPrecondition("Volume secret isolation requires filesystem/linux isolator.");
    const runtimeDir = flags.runtime_dir ?? (flags.work_dir ? join(resolve(flags.work_dir), "runtime") : undefined);
    if (!runtimeDir) throw invalid("volume/secret needs --runtime_dir (or --work_dir, whose runtime directory it then uses)");
    return createSecretIsolator({ sandboxDirectory: flags.sandbox_directory, runtimeDir: resolve(runtimeDir) });
  },
});
