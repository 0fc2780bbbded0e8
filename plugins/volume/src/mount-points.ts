/**
 * Where a volume goes, as Mesos's volume isolators place it, and its mount point made ready:
 *
 * - an absolute `container_path`: inside the container's rootfs, or, without one, that very host
 *   path, which must exist (nothing is created outside the work directory on the host);
 * - a relative one: under the sandbox. The mount point is made in the sandbox on the host; with a
 *   rootfs the target is the sandbox as the container sees it (`rootfs/--sandbox_directory/path`),
 *   which the launch helper mounts (with its mount points) before any volume.
 *
 * A directory source gets a directory mount point, anything else an empty file. Mesos leaves
 * escapes as a TODO; we refuse a `container_path` that leaves the sandbox or the rootfs, lexically
 * (`..`) or through a symlink (an image's, or one a task left in its sandbox).
 */
import { closeSync, existsSync, mkdirSync, openSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, normalize, relative } from "node:path";
import { failedPrecondition, invalid } from "@mesos/core";
import type { ContainerConfig } from "@mesos/plugin-api";

export interface PlaceVolume {
  containerPath: string;
  config: ContainerConfig;
  /** `--sandbox_directory`: where a container with a rootfs sees its sandbox. */
  sandboxDirectory: string;
  /** Whether the source is a directory (else a file mount point is made). */
  directory: boolean;
}

/** The mount target (a host path) for the volume; creates its mount point. */
export function placeVolume(v: PlaceVolume): string {
  const { config, containerPath } = v;
  if (containerPath === "") throw invalid("The volume's 'container_path' is empty");
  if (isAbsolute(containerPath)) {
    if (!config.rootfs) {
      if (!existsSync(containerPath)) {
        throw failedPrecondition(`Mount point '${containerPath}' is an absolute path. It must exist if the container shares the host filesystem`);
      }
      return containerPath;
    }
    const target = join(config.rootfs, normalize(containerPath));
    makeMountPoint(target, v.directory, config.rootfs, "the container's root filesystem");
    return target;
  }
  const inSandbox = normalize(containerPath);
  if (inSandbox === ".." || inSandbox.startsWith("../")) throw invalid(`The volume's container path '${containerPath}' escapes the sandbox`);
  makeMountPoint(join(config.directory, inSandbox), v.directory, config.directory, "the sandbox");
  return config.rootfs ? join(config.rootfs, v.sandboxDirectory, inSandbox) : join(config.directory, inSandbox);
}

function makeMountPoint(target: string, directory: boolean, root: string, rootName: string): void {
  const realRoot = realpathSync(root);
  // Both may be reached through symlinks on the host; what matters is that one stays under the other.
  const within = (p: string) => {
    try {
      const rel = relative(realRoot, realpathSync(p));
      return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
    } catch {
      return false; // a dangling symlink
    }
  };
  const outside = () => invalid(`The mount point '${target}' resolves outside ${rootName} (through a symlink)`);
  // One component at a time, each checked before the next is made in it: never mkdir through a symlink out.
  const parts = relative(root, target).split("/").filter(Boolean);
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    const last = i === parts.length - 1;
    try {
      if (!last || directory) mkdirSync(at);
      // O_EXCL: never follows a symlink already there.
      else closeSync(openSync(at, "wx"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw failedPrecondition(`Failed to create the mount point at '${target}': ${(e as Error).message}`);
    }
    if (!within(at)) throw outside();
  }
  if (directory !== statSync(target).isDirectory()) {
    throw failedPrecondition(
      `The mount point '${target}' is ${directory ? "not a directory" : "a directory"}, but the volume's source ${directory ? "is" : "is not"}`,
    );
  }
}
