/**
 * The Docker image store as the agent's flags describe it: `--docker_registry` is a registry URL or
 * a local directory of archives, `--docker_store_dir` holds the layers, the backend decides the
 * layers' whiteout form.
 */
import { join } from "node:path";
import { type Clock, invalid, type Logger } from "@mesos/core";
import type { DockerAuths } from "./docker-config.ts";
import type { ProvisionerBackend } from "./provisioner/backend.ts";
import { createLocalSource } from "./sources/local-source.ts";
import { createRegistrySource } from "./sources/registry-source.ts";
import { createImageStore, type ImageStore } from "./store/image-store.ts";
import { createLayerStore } from "./store/layer-store.ts";

export interface DockerStoreOptions {
  /** `--docker_store_dir`. */
  storeDir: string;
  /** `--docker_registry`: `https://...`, `http://...` or `/path`. */
  registry: string;
  /** `--docker_config`. */
  auths?: DockerAuths;
  backend: ProvisionerBackend;
  privileged: boolean;
  clock: Clock;
  log: Logger;
  /** Extra CA certificates (PEM) for HTTPS registries. */
  ca?: string;
  stallTimeoutMs?: number;
}

export function createDockerStore(o: DockerStoreOptions): ImageStore {
  const layers = createLayerStore({ dir: o.storeDir, whiteouts: o.backend.whiteouts, log: o.log });
  let source;
  if (o.registry.startsWith("/")) {
    source = createLocalSource({ dir: o.registry, scratchDir: join(o.storeDir, "staging") });
  } else if (/^https?:\/\//.test(o.registry)) {
    source = createRegistrySource({ defaultRegistry: o.registry, auths: o.auths, clock: o.clock, ca: o.ca, stallTimeoutMs: o.stallTimeoutMs });
  } else {
    throw invalid(`Unsupported --docker_registry '${o.registry}': expected an http(s):// URL or an absolute directory`);
  }
  return createImageStore({ dir: o.storeDir, source, layers, privileged: o.privileged, clock: o.clock, log: o.log });
}
