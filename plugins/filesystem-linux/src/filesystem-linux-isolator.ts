/**
 * `filesystem/linux`, as Mesos names it: a container with an image runs in the root filesystem
 * the provisioner built for it. The launch helper then gives it its own /proc and /dev, binds the
 * sandbox at `--sandbox_directory` and pivots into the rootfs. Mesos requires this isolator (and
 * the linux launcher) for container images, and so does the agent.
 */
import type { Isolator } from "@mesos/plugin-api";

export function createFilesystemLinuxIsolator(): Isolator {
  return {
    name: "filesystem/linux",
    supportsNesting: true,

    async prepare(config) {
      return config.rootfs ? { rootfs: config.rootfs } : undefined;
    },
  };
}
