/** Helpers for tests and benchmarks of image code: a tar writer, an image builder, a real registry. */
export { type TarInput, writeTar } from "./tar-writer.ts";
export {
  type Blob,
  BUSYBOX,
  type Compression,
  type ConfigOptions,
  type Layer,
  type ManifestFormat,
  type TestImage,
  blob,
  busyboxLayer,
  imageConfig,
  imageIndex,
  imageManifest,
  layer,
  testImage,
  writeOciLayout,
} from "./image-builder.ts";
export {
  pushBlob,
  pushImage,
  pushManifest,
  REGISTRY_BINARY,
  type RegistryOptions,
  type RegistryProcess,
  startRegistry,
  type TestRegistry,
} from "./test-registry.ts";
