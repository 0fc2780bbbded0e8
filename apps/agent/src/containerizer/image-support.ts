/**
 * Container images for the Mesos containerizer, from the flags: `--image_providers=docker` turns
 * them on (with the checks Mesos makes: the filesystem/linux isolator and the linux launcher),
 * `--docker_registry`, `--docker_store_dir` and `--docker_config` say where images come from and go,
 * `--image_provisioner_backend` how rootfses are built (overlay when the kernel has it), and
 * `--image_gc_config` starts the automatic image GC. Without providers, a container with an image
 * fails with a message saying how to enable them.
 */
import { join } from "node:path";
import { type Clock, failedPrecondition, type Logger } from "@mesos/core";
import {
  createCopyBackend,
  createDockerStore,
  createOverlayBackend,
  createProvisioner,
  overlaySupported,
  type Provisioner,
  type ProvisionerBackend,
  startImageGc,
} from "@mesos/images";
import type { AgentFlags } from "../flags.ts";

export interface ImageSupport {
  provisioner: Provisioner;
  stop(): void;
}

export function createImageSupport(
  flags: AgentFlags,
  env: { clock: Clock; log: Logger; workDir: string; launcher: "linux" | "posix"; isolation: string[] },
): ImageSupport | undefined {
  if (!flags.image_providers || flags.image_providers.length === 0) return undefined;
  // Mesos's own start-up checks, in its words.
  if (!env.isolation.includes("filesystem/linux")) {
    throw failedPrecondition("The 'filesystem/linux' isolator must be enabled for container image support");
  }
  if (env.launcher !== "linux") throw failedPrecondition("The 'linux' launcher must be used for container image support");
  const log = env.log.child("images");
  const privileged = process.getuid?.() === 0;
  const canOverlay = privileged && overlaySupported();
  if (flags.image_provisioner_backend === "overlay" && !canOverlay) {
    throw failedPrecondition("Flag '--image_provisioner_backend=overlay' needs overlayfs in the kernel and the agent running as root");
  }
  const overlay = createOverlayBackend({ log });
  const copy = createCopyBackend({ log });
  const backend: ProvisionerBackend = (flags.image_provisioner_backend ?? (canOverlay ? "overlay" : "copy")) === "overlay" ? overlay : copy;
  const store = createDockerStore({
    storeDir: flags.docker_store_dir,
    registry: flags.docker_registry,
    auths: flags.docker_config,
    backend,
    privileged,
    clock: env.clock,
    log,
    stallTimeoutMs: flags.fetcher_stall_timeout,
  });
  const provisioner = createProvisioner({ dir: join(env.workDir, "provisioner"), store, backend, backends: [overlay, copy], log });
  log.info(
    `Container images: pulled from ${store.source.description} into '${flags.docker_store_dir}', rootfses built by the ${backend.name} backend`,
  );
  const gc = flags.image_gc_config
    ? startImageGc({
        config: flags.image_gc_config,
        storeDir: flags.docker_store_dir,
        clock: env.clock,
        log,
        prune: (excluded) => store.prune({ keepImages: [...excluded, ...provisioner.activeImages()], activeLayers: provisioner.activeLayers() }),
      })
    : undefined;
  return { provisioner, stop: () => gc?.stop() };
}
