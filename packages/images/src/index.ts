/**
 * Container images for the Mesos containerizer: Docker and OCI images pulled from a registry or a
 * local directory into a content-addressed layer store, and root filesystems provisioned from them
 * (overlay or copy), with the image's runtime config applied as Mesos's docker/runtime does.
 */
export { type ImageReference, type RegistryLocation, formatImageReference, locateImage, parseImageReference } from "./reference.ts";
export { type ImageConfig, type RuntimeDefaults, parseImageConfig } from "./image-config.ts";
export { type Credentials, type DockerAuths, credentialsFor, loadDockerConfigFlag, parseDockerConfig } from "./docker-config.ts";
export { type Platform, formatPlatform, hostPlatform, parsePlatform } from "./platform.ts";
export { type FetchedManifest, type RegistryClient, createRegistryClient } from "./registry-client.ts";
export { type PullEvent, PullProgress, formatBytes, pullReporter } from "./progress.ts";
export type { ImageSource, ResolvedImage } from "./sources/image-source.ts";
export { createRegistrySource } from "./sources/registry-source.ts";
export { createLocalSource } from "./sources/local-source.ts";
export { type LayerStore, createLayerStore } from "./store/layer-store.ts";
export type { StoredImage } from "./store/image-records.ts";
export { type ImageStore, type PruneResult, type PullOptions, createImageStore } from "./store/image-store.ts";
export { type ImageGcConfig, parseImageGcConfig, startImageGc } from "./store/image-gc.ts";
export { type DockerStoreOptions, createDockerStore } from "./docker-store.ts";
export type { BackendName, ProvisionerBackend } from "./provisioner/backend.ts";
export { createOverlayBackend, overlaySupported } from "./provisioner/overlay-backend.ts";
export { createCopyBackend } from "./provisioner/copy-backend.ts";
export { type Provisioner, type ProvisionedRootfs, createProvisioner } from "./provisioner/provisioner.ts";
export { type ContainerRuntime, type TaskCommand, applyImageRuntime } from "./runtime-config.ts";
export { type ImageUser, resolveImageUser } from "./image-user.ts";
export { type WhiteoutFormat, unpackLayer } from "./tar/unpack-layer.ts";
