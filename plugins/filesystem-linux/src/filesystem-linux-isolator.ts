/**
 * `filesystem/linux`, as Mesos names it: a container with an image runs in the root filesystem
 * the provisioner built for it. The launch helper then gives it its own /proc and /dev, binds the
 * sandbox at `--sandbox_directory` and pivots into the rootfs. Mesos requires this isolator (and
 * the linux launcher) for container images, and so does the agent.
 *
 * It also mounts the container's persistent volumes (the `disk` resources with a `persistence`):
 * a bind mount of the volume's directory at its `container_path` under the sandbox, so it is there
 * with and without a rootfs (a symlink, what filesystem/posix makes, cannot point out of a
 * rootfs). A volume used read-only (`volume.mode: RO`, e.g. a shared volume) is mounted read-only.
 */
import { mkdirSync } from "node:fs";
import { isAbsolute } from "node:path";
import { invalid } from "@mesos/core";
import { isolator as api, Volume_Mode } from "@mesos/proto";
import type { Isolator, LaunchInfoInit, MountInit } from "@mesos/plugin-api";
import { onMountDisk, persistentVolumePath, placeVolume } from "@mesos/plugin-volume";

export interface FilesystemLinuxOptions {
  /** The agent's work directory, where persistent volumes live. */
  workDir: string;
  sandboxDirectory: string;
}

export function createFilesystemLinuxIsolator(options: FilesystemLinuxOptions): Isolator {
  return {
    name: "filesystem/linux",
    supportsNesting: true,

    async prepare(config) {
      const info: LaunchInfoInit = {};
      if (config.rootfs) info.rootfs = config.rootfs;
      const mounts: MountInit[] = [];
      for (const r of config.resources) {
        if (!r.disk?.persistence) continue;
        const id = r.disk.persistence.id;
        const containerPath = r.disk.volume?.containerPath ?? "";
        if (containerPath === "" || isAbsolute(containerPath)) {
          throw invalid(`volume '${id}' has container path '${containerPath}': it must be a relative path inside the sandbox`);
        }
        const source = persistentVolumePath(options.workDir, r);
        // A MOUNT disk's volume is the resource provider's to publish (before the launch).
        if (!onMountDisk(r)) mkdirSync(source, { recursive: true });
        const target = placeVolume({ containerPath, config, sandboxDirectory: options.sandboxDirectory, directory: true });
        mounts.push({ type: api.Mount_Type.BIND, source, target, readOnly: r.disk.volume?.mode === Volume_Mode.RO });
      }
      if (mounts.length > 0) info.mounts = mounts;
      return Object.keys(info).length > 0 ? info : undefined;
    },
  };
}
