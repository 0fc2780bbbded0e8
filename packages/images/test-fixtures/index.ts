/** Helpers for tests of image code (here and in test/): a tar writer and an image builder. */
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
