/**
 * `volume/secret`, as Mesos 1.8 names it: SECRET volumes become files in the container. Each
 * secret is resolved (secrets.ts) and written to `--runtime_dir/.secret/` on the host, readable by
 * root only; the launch helper then mounts a tmpfs at `.secret-<uuid>` in the sandbox, moves the
 * file into it (so the data is in memory only, and never in the launch description), and binds
 * it at the volume's `container_path` (read-only for `mode: RO`). This is the sequence of Mesos's
 * pre-exec commands (a ramfs there, `mv`, `mount --rbind`). DEBUG containers get no secrets.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, normalize } from "node:path";
import { failedPrecondition, invalid } from "@mesos/core";
import { isolator as api, Volume_Mode, Volume_Source_Type } from "@mesos/proto";
import { containerIdString, type Isolator, type LaunchInfoInit, type MountInit } from "@mesos/plugin-api";
import { containerVolumes } from "./container-volumes.ts";
import { placeVolume } from "./mount-points.ts";
import { resolveSecret } from "./secrets.ts";

export const SECRET_ISOLATOR = "volume/secret";
const SECRET_DIR = ".secret";

export interface SecretIsolatorOptions {
  sandboxDirectory: string;
  /** The agent's runtime directory; secrets wait in its `.secret` until the helper moves them. */
  runtimeDir: string;
}

export function createSecretIsolator(options: SecretIsolatorOptions): Isolator {
  const hostDir = join(options.runtimeDir, SECRET_DIR);
  try {
    mkdirSync(hostDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw failedPrecondition(`Failed to create secret directory on the host tmpfs: ${(e as Error).message}`);
  }
  /** One directory per container, so cleanup finds its leftovers even after a restart. */
  const containerDir = (key: string) => join(hostDir, key);

  return {
    name: SECRET_ISOLATOR,
    supportsNesting: true,

    async prepare(config) {
      const volumes = containerVolumes(config, "Can only prepare the secret volume isolator for a MESOS container");
      if (config.containerClass === api.ContainerClass.DEBUG) return undefined;
      const secrets = volumes.filter((v) => v.source?.type === Volume_Source_Type.SECRET);
      if (secrets.length === 0) return undefined;
      const key = containerIdString(config.containerId!);
      const root = join(config.directory, `${SECRET_DIR}-${crypto.randomUUID()}`);
      mkdirSync(root, { recursive: true, mode: 0o700 });
      const mounts: MountInit[] = [{ type: api.Mount_Type.TMPFS, target: root, options: "mode=0700" }];
      for (const volume of secrets) {
        if (!volume.source!.secret) throw invalid("volume.source.secret is not specified");
        const data = resolveSecret(volume.source!.secret);
        const target = placeVolume({ containerPath: volume.containerPath, config, sandboxDirectory: options.sandboxDirectory, directory: false });
        const hostFile = join(containerDir(key), crypto.randomUUID());
        try {
          mkdirSync(containerDir(key), { recursive: true, mode: 0o700 });
          writeFileSync(hostFile, data, { mode: 0o600 });
        } catch (e) {
          throw failedPrecondition(`Error writing secret to '${hostFile}': ${(e as Error).message}`);
        }
        const inTmpfs = join(root, normalize(`/${volume.containerPath}`));
        mounts.push(
          { type: api.Mount_Type.FILE, source: hostFile, target: inTmpfs },
          { type: api.Mount_Type.BIND, source: inTmpfs, target, readOnly: volume.mode === Volume_Mode.RO },
        );
      }
      return { mounts };
    },

    async cleanup(containerId) {
      // The helper moved them; these are the ones of a launch that failed before it could.
      rmSync(containerDir(containerIdString(containerId)), { recursive: true, force: true });
    },
  };
}
