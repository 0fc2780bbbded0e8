/**
 * `volume/host_path`, as Mesos 1.8 names it: HOST_PATH volumes (and the legacy absolute
 * `Volume.host_path`) bind-mounted into the container at their `container_path` (see
 * mount-points.ts), read-only for `mode: RO` (the helper remounts the bind read-only, as
 * MESOS-9354 does). A missing host path fails the launch unless `--host_path_volume_force_creation`
 * allows creating it. BIDIRECTIONAL propagation needs the host path to sit on a shared mount: that
 * mount then stays shared in the container, so mounts made on either side reach the other.
 * DEBUG containers cannot have HOST_PATH volumes. The mounts live in the container's mount
 * namespace and go with it: nothing is left on the host to clean up.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { failedPrecondition, invalid } from "@mesos/core";
import { findMountContaining, readMountTable } from "@mesos/linux";
import { isolator as api, MountPropagation_Mode, Volume_Mode, Volume_Source_Type } from "@mesos/proto";
import type { Isolator, LaunchInfoInit, MountInit } from "@mesos/plugin-api";
import { containerVolumes } from "./container-volumes.ts";
import type { HostPathCreation } from "./host-path-creation.ts";
import { placeVolume } from "./mount-points.ts";

export const HOST_PATH_ISOLATOR = "volume/host_path";

export interface HostPathIsolatorOptions {
  sandboxDirectory: string;
  /** `--host_path_volume_force_creation`; absent: a missing host path fails the launch. */
  creation?: HostPathCreation;
}

export function createHostPathIsolator(options: HostPathIsolatorOptions): Isolator {
  return {
    name: HOST_PATH_ISOLATOR,
    supportsNesting: true,

    async prepare(config) {
      const mounts: MountInit[] = [];
      const sharedMounts: string[] = [];
      for (const volume of containerVolumes(config)) {
        let hostPath: string | undefined;
        let bidirectional = false;
        // Legacy: an absolute `host_path` (a relative one is a SANDBOX_PATH volume).
        if (volume.hostPath && isAbsolute(volume.hostPath)) hostPath = volume.hostPath;
        if (volume.source?.type === Volume_Source_Type.HOST_PATH) {
          const info = volume.source.hostPath!;
          if (!isAbsolute(info.path)) throw invalid(`Path '${info.path}' in HOST_PATH volume is not absolute`);
          hostPath = info.path;
          bidirectional = info.mountPropagation?.mode === MountPropagation_Mode.BIDIRECTIONAL;
        }
        if (hostPath === undefined) continue;
        if (config.containerClass === api.ContainerClass.DEBUG) throw invalid("HOST_PATH volume is not supported for DEBUG containers");
        if (!existsSync(hostPath)) {
          if (!options.creation) throw failedPrecondition(`Path '${hostPath}' in HOST_PATH volume does not exist`);
          options.creation.create(hostPath);
        }
        const target = placeVolume({
          containerPath: volume.containerPath,
          config,
          sandboxDirectory: options.sandboxDirectory,
          directory: statSync(hostPath).isDirectory(),
        });
        if (bidirectional) sharedMounts.push(sharedMountHolding(realpathSync(hostPath)));
        // Without a rootfs, an absolute container path equal to the host path is there already.
        if (target !== hostPath) {
          mounts.push({ type: api.Mount_Type.BIND, source: hostPath, target, readOnly: volume.mode === Volume_Mode.RO });
        }
      }
      if (mounts.length === 0 && sharedMounts.length === 0) return undefined;
      return { mounts, sharedMounts: [...new Set(sharedMounts)] };
    },
  };
}

function sharedMountHolding(hostPath: string): string {
  const entry = findMountContaining(readMountTable(), hostPath);
  if (!entry) throw failedPrecondition(`Cannot find the mount containing host path '${hostPath}'`);
  if (entry.sharedPeerGroup === undefined) {
    throw failedPrecondition(`Cannot setup bidirectional mount propagation for host path '${hostPath}' because it is not under a shared mount`);
  }
  return entry.target;
}
