/** Helpers for tests of image code (here and in test/): a tar writer for hand-made layers. */
export { type TarInput, writeTar } from "./tar-writer.ts";
