/**
 * The CSI directory layout of Mesos 1.8 (src/csi/paths.cpp), under a root such as
 * `<agent work_dir>/csi`:
 *
 *   <root>/<type>/<name>/containers/<container_id>/container.info   the plugin container's config
 *   <root>/<type>/<name>/containers/<container_id>/endpoint         -> /tmp/mesos-csi-XXXXXX (the socket's dir)
 *   <root>/<type>/<name>/mounts/<volume_id>/staging                 NodeStageVolume's staging path
 *   <root>/<type>/<name>/mounts/<volume_id>/target                  NodePublishVolume's target path
 *
 * Sockets live in a short temp dir because a unix socket path is limited to 107 bytes. Volume states
 * are not files here: the volume manager keeps them in the store it is given.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csiMountPath, csiMountTargetPath, invalid } from "@mesos/core";

export const ENDPOINT_SOCKET_FILE = "endpoint.sock";
const MAX_SOCKET_PATH = 107;

export function pluginDir(rootDir: string, type: string, name: string): string {
  return join(rootDir, type, name);
}

export function containersDir(pluginRoot: string): string {
  return join(pluginRoot, "containers");
}

export function containerDir(pluginRoot: string, containerId: string): string {
  return join(containersDir(pluginRoot), containerId);
}

export function containerInfoPath(pluginRoot: string, containerId: string): string {
  return join(containerDir(pluginRoot, containerId), "container.info");
}

export function mountRootDir(pluginRoot: string): string {
  return join(pluginRoot, "mounts");
}

/** `<mount root>/<volume id, percent-encoded>` (core's, shared with the agent's persistent volume paths). */
export const mountPath = csiMountPath;

export function stagingPath(mountRoot: string, volumeId: string): string {
  return join(mountPath(mountRoot, volumeId), "staging");
}

/** Also where the agent finds a persistent volume on a CSI disk (core's persistentVolumePath). */
export const targetPath = csiMountTargetPath;

/** The volume id a mount path's last segment stands for. */
export function parseMountSegment(segment: string): string {
  return decodeURIComponent(segment);
}

/**
 * The socket path for a plugin container: in the temp dir the container's `endpoint` symlink points
 * to, made (and linked) if it does not exist yet, so a running container keeps its socket across
 * agent restarts.
 */
export function endpointSocketPath(pluginRoot: string, containerId: string): string {
  const link = join(containerDir(pluginRoot, containerId), "endpoint");
  mkdirSync(containerDir(pluginRoot, containerId), { recursive: true });
  if (existsSync(link)) return join(realpathSync(link), ENDPOINT_SOCKET_FILE);
  if (isDanglingLink(link)) rmSync(link, { force: true });
  const dir = mkdtempSync(join(tmpdir(), "mesos-csi-"));
  symlinkSync(dir, link);
  const socket = join(dir, ENDPOINT_SOCKET_FILE);
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw invalid(`The endpoint socket path '${socket}' is longer than ${MAX_SOCKET_PATH} bytes; use a shorter TMPDIR`);
  }
  return socket;
}

/** Removes a plugin container's endpoint dir (the symlink's target) and its container dir. */
export function removeContainerDir(pluginRoot: string, containerId: string): void {
  const link = join(containerDir(pluginRoot, containerId), "endpoint");
  if (existsSync(link)) rmSync(realpathSync(link), { recursive: true, force: true });
  rmSync(containerDir(pluginRoot, containerId), { recursive: true, force: true });
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
