/**
 * `linux/seccomp` as a built-in plugin: the agent builds it from its flags; `mesos isolator serve
 * linux/seccomp --socket=PATH --seccomp_config_dir=DIR` builds it from the same flags and serves it
 * out of process (the filter it compiles travels in the launch description either way).
 */
import { flag, userId } from "@mesos/core";
import { defineIsolatorPlugin } from "@mesos/plugin-api";
import { createSeccompIsolator, SECCOMP_ISOLATOR } from "./seccomp-isolator.ts";
import { systemSeccompHost } from "./seccomp-host.ts";

export const seccompFlagSpecs = {
  seccomp_config_dir: flag.string(
    "Directory of seccomp profiles (Docker's JSON format); required by the linux/seccomp isolator. Containers name profiles relative to it",
  ),
  seccomp_profile_name: flag.string(
    "The seccomp profile (relative to --seccomp_config_dir) for containers whose ContainerInfo names none; unset: such containers run unconfined",
  ),
};

export const seccompPlugin = defineIsolatorPlugin({
  name: SECCOMP_ISOLATOR,
  summary: "a seccomp filter for every container, from Docker-format JSON profiles",
  flags: seccompFlagSpecs,
  agentFlags: {},
  create: (flags, { log }) =>
    createSeccompIsolator({
      configDir: flags.seccomp_config_dir,
      defaultProfile: flags.seccomp_profile_name,
      log,
      host: systemSeccompHost((user) => userId(user)),
    }),
});
