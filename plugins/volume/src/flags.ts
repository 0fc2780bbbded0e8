/**
 * The volume isolators' flags, with Mesos 1.8's names and help. `mesos agent` carries the own
 * ones; `mesos isolator serve volume/...` takes them and the agent flags the isolators read.
 */
import { flag } from "@mesos/core";

export const volumeFlagSpecs = {
  host_path_volume_force_creation: flag.string(
    "A colon-separated list of directories where descendant directories are allowed to be created by the `volume/host_path` isolator, if the directories do not exist",
  ),
};

/** The agent flags the volume isolators read; the agent has its own specs for them (same types). */
export const volumeAgentFlagSpecs = {
  sandbox_directory: flag.string("The agent's --sandbox_directory: where a container with its own root filesystem sees its sandbox", {
    default: "/mnt/mesos/sandbox",
  }),
  work_dir: flag.string("The agent's --work_dir (volume/secret: its runtime directory is WORK_DIR/runtime unless --runtime_dir is given)"),
  runtime_dir: flag.string("The agent's --runtime_dir: volume/secret keeps resolved secrets in its `.secret` until they are moved into a tmpfs"),
};
