/**
 * A streaming reader of tar archives as image layers use them: POSIX ustar, PAX extended headers
 * (long paths, large sizes, `SCHILY.xattr.*`), GNU long names and links, and base-256 numbers.
 * Each entry's body is handed to the caller as a stream; what the caller leaves unread is skipped.
 */
import { ChunkReader } from "./chunk-reader.ts";

export type TarEntryType = "file" | "hardlink" | "symlink" | "char" | "block" | "directory" | "fifo";

export interface TarEntry {
  path: string;
  type: TarEntryType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  xattrs: Record<string, Buffer>;
}

const BLOCK = 512;
const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char",
  "4": "block",
  "5": "directory",
  "6": "fifo",
};

/** Calls `onEntry` for each entry in order; resolves after the end-of-archive marker (or the end of the stream). */
export async function readTar(source: AsyncIterable<Uint8Array>, onEntry: (entry: TarEntry, body: AsyncIterable<Uint8Array>) => Promise<void>) {
  const reader = new ChunkReader(source);
  let pax: Record<string, string> = {};
  let globalPax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const header = await reader.readExact(BLOCK);
    if (header === null || header.every((b) => b === 0)) break;
    verifyChecksum(header);
    const flag = String.fromCharCode(header[156]!);
    const size = Number(numeric(header, 124, 12));
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "x" || flag === "g" || flag === "L" || flag === "K") {
      const body = (await reader.readExact(padded)) ?? new Uint8Array(0);
      const data = body.subarray(0, size);
      if (flag === "x") pax = { ...pax, ...parsePax(data) };
      else if (flag === "g") globalPax = { ...globalPax, ...parsePax(data) };
      else if (flag === "L") longName = cString(data);
      else longLink = cString(data);
      continue;
    }
    if (flag === "S") throw new Error("GNU sparse files are not supported in image layers");
    const fields = { ...globalPax, ...pax };
    let type = TYPES[flag];
    let path = longName ?? fields.path ?? headerPath(header);
    pax = {};
    longName = undefined;
    const linkname = longLink ?? fields.linkpath ?? cString(header.subarray(157, 257));
    longLink = undefined;
    if (type === undefined) {
      // Volume labels, multi-volume continuations...: not part of a filesystem tree.
      await reader.skip(padded);
      continue;
    }
    if (type === "file" && path.endsWith("/")) type = "directory";
    if (path.length > 1 && path.endsWith("/")) path = path.replace(/\/+$/, "");
    const entrySize = fields.size !== undefined ? Number(fields.size) : size;
    const dataSize = type === "file" ? entrySize : 0;
    const entry: TarEntry = {
      path,
      type,
      size: dataSize,
      mode: Number(numeric(header, 100, 8)) & 0o7777,
      uid: fields.uid !== undefined ? Number(fields.uid) : Number(numeric(header, 108, 8)),
      gid: fields.gid !== undefined ? Number(fields.gid) : Number(numeric(header, 116, 8)),
      mtime: fields.mtime !== undefined ? Math.floor(Number(fields.mtime)) : Number(numeric(header, 136, 12)),
      linkname,
      devmajor: Number(numeric(header, 329, 8)),
      devminor: Number(numeric(header, 337, 8)),
      xattrs: xattrsOf(fields),
    };
    let read = 0;
    const body = (async function* () {
      for await (const chunk of reader.take(dataSize)) {
        read += chunk.length;
        yield chunk;
      }
    })();
    await onEntry(entry, body);
    // Whatever the caller left unread (all of it, or the rest after it stopped early).
    await reader.skip(dataSize - read);
    const storedSize = type === "file" ? entrySize : size;
    const pad = Math.ceil(storedSize / BLOCK) * BLOCK - dataSize;
    if (pad > 0) await reader.skip(pad);
  }
  await reader.drain();
}

function verifyChecksum(header: Uint8Array): void {
  let stored: number;
  try {
    stored = Number(numeric(header, 148, 8));
  } catch {
    stored = -1;
  }
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed) throw new Error("bad tar header checksum (not a tar archive, or a corrupt one)");
}

/** An octal field, or a base-256 one (GNU's encoding for large numbers). */
function numeric(header: Uint8Array, offset: number, length: number): bigint {
  const field = header.subarray(offset, offset + length);
  if (field[0]! & 0x80) {
    let v = BigInt(field[0]! & 0x7f);
    for (let i = 1; i < field.length; i++) v = (v << 8n) | BigInt(field[i]!);
    return v;
  }
  const text = cString(field).trim();
  if (text === "") return 0n;
  if (!/^[0-7]+$/.test(text)) throw new Error(`bad number '${text}' in a tar header`);
  return BigInt(`0o${text}`);
}

function headerPath(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  const magic = new TextDecoder().decode(header.subarray(257, 263));
  if (magic !== "ustar\0") return name;
  const prefix = cString(header.subarray(345, 500));
  return prefix ? `${prefix}/${name}` : name;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString("utf8");
}

/** PAX records: `LENGTH KEY=VALUE\n`, LENGTH counting the whole record. */
function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const buf = Buffer.from(data);
  let i = 0;
  while (i < buf.length) {
    const space = buf.indexOf(0x20, i);
    if (space < 0) break;
    const length = Number(buf.toString("latin1", i, space));
    if (!Number.isInteger(length) || length <= 0 || i + length > buf.length) throw new Error("bad PAX header record");
    const record = buf.subarray(space + 1, i + length - 1);
    const eq = record.indexOf(0x3d);
    if (eq > 0) {
      const key = record.toString("utf8", 0, eq);
      // xattr values are binary: keep their bytes in latin1, one char per byte.
      out[key] = record.toString(key.startsWith("SCHILY.xattr.") ? "latin1" : "utf8", eq + 1);
    }
    i += length;
  }
  return out;
}

function xattrsOf(fields: Record<string, string>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(fields)) if (k.startsWith("SCHILY.xattr.")) out[k.slice(13)] = Buffer.from(v, "latin1");
  return out;
}
