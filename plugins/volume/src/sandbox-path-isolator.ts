/**
 * `volume/sandbox_path`, as Mesos 1.8 names it: SANDBOX_PATH volumes (and the legacy relative
 * `Volume.host_path`, which is type SELF) share a directory of a sandbox:
 *
 * - SELF: `path` in the container's own sandbox, at an absolute `container_path` (in its rootfs);
 * - PARENT: `path` in the parent container's sandbox (a task group's executor), which a nested
 *   container sees at its `container_path`: how the tasks of a group share files.
 *
 * A missing source directory is created, owned like the sandbox it is in. With the linux launcher
 * and `filesystem/linux` the volume is a bind mount (read-only for `mode: RO`); otherwise, as
 * Mesos does, a symlink in the sandbox (and `mode: RO` cannot be honoured: a warning says so).
 */
import { chownSync, existsSync, mkdirSync, statSync, symlinkSync } from "node:fs";
import { dirname, isAbsolute, join, normalize } from "node:path";
import { failedPrecondition, invalid, type Logger } from "@mesos/core";
import { type Volume, Volume_Mode, Volume_Source_SandboxPath_Type as SandboxPathType, Volume_Source_Type } from "@mesos/proto";
import { containerIdString, type ContainerConfig, type Isolator, type LaunchInfoInit, type MountInit, parentKey } from "@mesos/plugin-api";
import { isolator as api } from "@mesos/proto";
import { containerVolumes } from "./container-volumes.ts";
import { placeVolume } from "./mount-points.ts";

export const SANDBOX_PATH_ISOLATOR = "volume/sandbox_path";

export interface SandboxPathIsolatorOptions {
  sandboxDirectory: string;
  /** The linux launcher and `filesystem/linux` are in use: volumes are bind mounts, not symlinks. */
  bindMounts: boolean;
  log: Logger;
}

export function createSandboxPathIsolator(options: SandboxPathIsolatorOptions): Isolator {
  /** Each container's sandbox, for its nested containers' PARENT volumes. */
  const sandboxes = new Map<string, string>();

  return {
    name: SANDBOX_PATH_ISOLATOR,
    supportsNesting: true,

    async recover(states) {
      for (const s of states) if (s.config) sandboxes.set(containerIdString(s.containerId!), s.config.directory);
    },

    async prepare(config) {
      const key = containerIdString(config.containerId!);
      sandboxes.set(key, config.directory);
      const volumes = containerVolumes(config);
      if (!options.bindMounts && config.rootfs) {
        throw failedPrecondition("The 'linux' launcher and 'filesystem/linux' isolator must be enabled to change the rootfs and bind mount");
      }
      const mounts: MountInit[] = [];
      for (const volume of volumes) {
        const sandboxPath = sandboxPathOf(volume);
        if (!sandboxPath) continue;
        if (config.containerClass === api.ContainerClass.DEBUG) throw invalid("SANDBOX_PATH volume is not supported for DEBUG containers");
        if (!options.bindMounts && isAbsolute(volume.containerPath)) {
          throw failedPrecondition(
            "The 'linux' launcher and 'filesystem/linux' isolator must be enabled to support SANDBOX_PATH volume with absolute container path",
          );
        }
        let sourceRoot: string;
        if (sandboxPath.type === SandboxPathType.SELF) {
          if (!isAbsolute(volume.containerPath)) throw invalid("'container_path' is relative for SANDBOX_PATH volume SELF type");
          sourceRoot = config.directory;
        } else if (sandboxPath.type === SandboxPathType.PARENT) {
          const parent = parentKey(key);
          if (!parent) throw invalid("SANDBOX_PATH volume PARENT type only works for nested container");
          const dir = sandboxes.get(parent);
          if (!dir) throw failedPrecondition("Failed to locate the sandbox for the parent container");
          sourceRoot = dir;
        } else {
          throw invalid("Unknown SANDBOX_PATH volume type");
        }
        const inRoot = normalize(sandboxPath.path);
        if (inRoot === ".." || inRoot.startsWith("../")) throw invalid(`Path '${sandboxPath.path}' in SANDBOX_PATH volume escapes the sandbox`);
        const source = join(sourceRoot, inRoot);
        if (!existsSync(source)) makeOwnedLike(source, sourceRoot);
        if (options.bindMounts) {
          const target = placeVolume({
            containerPath: volume.containerPath,
            config,
            sandboxDirectory: options.sandboxDirectory,
            directory: statSync(source).isDirectory(),
          });
          mounts.push({ type: api.Mount_Type.BIND, source, target, readOnly: volume.mode === Volume_Mode.RO });
        } else {
          linkInSandbox(source, config, volume, options.log);
        }
      }
      return mounts.length > 0 ? { mounts } : undefined;
    },

    async cleanup(containerId) {
      sandboxes.delete(containerIdString(containerId));
    },
  };
}

function sandboxPathOf(volume: Volume): { type: SandboxPathType; path: string } | undefined {
  if (volume.hostPath && !isAbsolute(volume.hostPath)) return { type: SandboxPathType.SELF, path: volume.hostPath };
  if (volume.source?.type !== Volume_Source_Type.SANDBOX_PATH) return undefined;
  const s = volume.source.sandboxPath!;
  if (isAbsolute(s.path)) throw invalid(`Path '${s.path}' in SANDBOX_PATH volume is absolute`);
  return { type: s.type, path: s.path };
}

function makeOwnedLike(source: string, root: string): void {
  try {
    mkdirSync(source, { recursive: true });
    const { uid, gid } = statSync(root);
    chownSync(source, uid, gid);
  } catch (e) {
    throw failedPrecondition(`Failed to create the directory '${source}' in the sandbox: ${(e as Error).message}`);
  }
}

function linkInSandbox(source: string, config: ContainerConfig, volume: Volume, log: Logger): void {
  const inSandbox = normalize(volume.containerPath);
  if (inSandbox === ".." || inSandbox.startsWith("../")) throw invalid(`The volume's container path '${volume.containerPath}' escapes the sandbox`);
  const target = join(config.directory, inSandbox);
  if (volume.mode === Volume_Mode.RO)
    log.warn(`Allowing read-write access to read-only volume '${source}' of container ${containerIdString(config.containerId!)}`);
  try {
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target);
  } catch (e) {
    throw failedPrecondition(`Failed to symlink '${source}' -> '${target}': ${(e as Error).message}`);
  }
}
