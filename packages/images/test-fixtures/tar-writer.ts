/**
 * Writes tar archives for tests: ustar headers, PAX headers for long names, links and xattrs, any
 * entry a layer can hold (including hostile ones a real tool would refuse to write).
 */
export interface TarInput {
  path: string;
  type?: "file" | "directory" | "symlink" | "hardlink" | "char" | "block" | "fifo";
  content?: string | Uint8Array;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, string>;
}

const FLAGS = { file: "0", hardlink: "1", symlink: "2", char: "3", block: "4", directory: "5", fifo: "6" } as const;

export function writeTar(entries: TarInput[]): Uint8Array<ArrayBuffer> {
  const blocks: Uint8Array[] = [];
  for (const e of entries) {
    const type = e.type ?? "file";
    const data = typeof e.content === "string" ? new TextEncoder().encode(e.content) : (e.content ?? new Uint8Array(0));
    const pax: Record<string, string> = {};
    if (Buffer.byteLength(e.path) > 100) pax.path = e.path;
    if (e.linkname && Buffer.byteLength(e.linkname) > 100) pax.linkpath = e.linkname;
    for (const [k, v] of Object.entries(e.xattrs ?? {})) pax[`SCHILY.xattr.${k}`] = v;
    if (Object.keys(pax).length > 0) {
      const body = paxBody(pax);
      blocks.push(header({ path: "PaxHeader", size: body.length, flag: "x", mode: 0o644 }), pad(body));
    }
    blocks.push(
      header({
        path: e.path.slice(0, 100),
        size: type === "file" ? data.length : 0,
        flag: FLAGS[type],
        mode: e.mode ?? (type === "directory" ? 0o755 : 0o644),
        uid: e.uid,
        gid: e.gid,
        mtime: e.mtime,
        linkname: e.linkname?.slice(0, 100),
        devmajor: e.devmajor,
        devminor: e.devminor,
      }),
    );
    if (type === "file") blocks.push(pad(data));
  }
  blocks.push(new Uint8Array(1024));
  return new Uint8Array(Buffer.concat(blocks));
}

function header(h: {
  path: string;
  size: number;
  flag: string;
  mode: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}): Uint8Array {
  const b = Buffer.alloc(512);
  b.write(h.path, 0, 100, "utf8");
  b.write(octal(h.mode, 8), 100);
  b.write(octal(h.uid ?? 0, 8), 108);
  b.write(octal(h.gid ?? 0, 8), 116);
  b.write(octal(h.size, 12), 124);
  b.write(octal(h.mtime ?? 1_700_000_000, 12), 136);
  b.write("        ", 148);
  b.write(h.flag, 156);
  if (h.linkname) b.write(h.linkname, 157, 100, "utf8");
  b.write("ustar\u000000", 257, "latin1");
  b.write(octal(h.devmajor ?? 0, 8), 329);
  b.write(octal(h.devminor ?? 0, 8), 337);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "latin1");
  return b;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\u0000`;
}

function pad(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return padded;
}

function paxBody(fields: Record<string, string>): Uint8Array {
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest, "latin1") + 1;
    while (String(len).length + Buffer.byteLength(rest, "latin1") !== len) len = String(len).length + Buffer.byteLength(rest, "latin1");
    out += `${len}${rest}`;
  }
  return Buffer.from(out, "latin1");
}
