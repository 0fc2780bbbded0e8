/**
 * `--docker_registry=/path`: images from a local directory, as Mesos's image tar puller reads them
 * (`/path/<name>.tar`, e.g. `busybox.tar` or `busybox:1.36.tar`) and more: `docker save` archives
 * (`manifest.json`), OCI layouts as directories or tar archives, and `<name>:<tag>.tar` with the
 * tag filled in. An archive is unpacked into a scratch directory for the pull and removed after.
 */
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { notFound } from "@mesos/core";
import { hostPlatform, type Platform } from "../platform.ts";
import { formatImageReference, type ImageReference, parseImageReference } from "../reference.ts";
import { unpackLayer } from "../tar/unpack-layer.ts";
import type { ImageSource, ResolvedImage } from "./image-source.ts";
import { isImageDirectory, layerFileChunks, readLocalImage } from "./local-layouts.ts";

export interface LocalSourceOptions {
  dir: string;
  /** Where archives are unpacked while a pull reads them. */
  scratchDir: string;
  platform?: Platform;
}

/** `busybox` -> `busybox:latest`; a digest stays as it is. */
function withTag(ref: ImageReference): ImageReference {
  return ref.tag || ref.digest ? ref : { ...ref, tag: "latest" };
}

export function createLocalSource(options: LocalSourceOptions): ImageSource {
  const platform = options.platform ?? hostPlatform();

  /** The archives or directories that may hold `name`, in the order they are tried. */
  function candidates(name: string, ref: ImageReference): string[] {
    const bare = formatImageReference({ ...ref, tag: undefined, digest: undefined });
    const names = [...new Set([name, formatImageReference(withTag(ref)), bare])];
    return names.flatMap((n) => [join(options.dir, `${n}.tar`), join(options.dir, n)]);
  }

  return {
    description: `directory ${options.dir}`,
    canonicalName: (name) => formatImageReference(withTag(parseImageReference(name))),

    async resolve(name): Promise<ResolvedImage> {
      const ref = parseImageReference(name);
      const tried = candidates(name, ref);
      const found = tried.find((p) => existsSync(p) && (statSync(p).isFile() || isImageDirectory(p)));
      if (!found) throw notFound(`no archive for it in '${options.dir}' (looked for ${tried.map((p) => `'${p}'`).join(", ")})`);
      let dir = found;
      let scratch: string | undefined;
      if (statSync(found).isFile()) {
        scratch = join(options.scratchDir, `archive-${randomUUID()}`);
        mkdirSync(scratch, { recursive: true });
        try {
          await unpackLayer(Bun.file(found).stream(), scratch, { whiteouts: "files", privileged: false });
        } catch (e) {
          rmSync(scratch, { recursive: true, force: true });
          throw e;
        }
        dir = scratch;
      }
      try {
        const image = readLocalImage(dir, ref, platform, `'${found}'`);
        return {
          canonical: formatImageReference(withTag(ref)),
          manifestDigest: image.manifestDigest,
          configDigest: image.configDigest,
          config: image.config,
          layers: image.layers,
          openLayer: async (layer, onBytes) => {
            const file = image.layerFile(layer);
            return layerFileChunks(file.path, file.digest, onBytes);
          },
          close: async () => {
            if (scratch) rmSync(scratch, { recursive: true, force: true });
          },
        };
      } catch (e) {
        if (scratch) rmSync(scratch, { recursive: true, force: true });
        throw e;
      }
    },
  };
}
