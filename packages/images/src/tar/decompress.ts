/**
 * Layer blobs are gzip, zstd or plain tar, whatever their media type claims: the first bytes say
 * which (as Docker and containerd decide too). bzip2 and xz are named and refused.
 */
import { once } from "node:events";
import zlib from "node:zlib";

export type Compression = "gzip" | "zstd" | "none";

export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) throw new Error("bzip2-compressed layers are not supported");
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a) {
    throw new Error("xz-compressed layers are not supported");
  }
  return "none";
}

/** The uncompressed bytes of `source`; a corrupt or truncated stream throws. */
export async function* decompress(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const kind = sniffCompression(first.value);
  if (kind === "none") {
    yield first.value;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    return;
  }
  const inflater = kind === "gzip" ? zlib.createGunzip() : zlib.createZstdDecompress();
  const pump = (async () => {
    try {
      if (!inflater.write(first.value)) await once(inflater, "drain");
      for (let n = await it.next(); !n.done; n = await it.next()) {
        if (!inflater.write(n.value)) await once(inflater, "drain");
      }
      inflater.end();
    } catch (e) {
      inflater.destroy(e as Error);
      throw e;
    }
  })();
  pump.catch(() => {});
  try {
    for await (const chunk of inflater) yield chunk as Uint8Array;
    await pump;
  } finally {
    inflater.destroy();
    await it.return?.();
  }
}
