import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getXattr } from "@mesos/linux";
import { type TarInput, writeTar } from "../../test-fixtures/index.ts";
import { unpackLayer, type WhiteoutFormat } from "./unpack-layer.ts";

const isRoot = process.getuid?.() === 0;
const tmp = () => mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", "unpack-"));

async function* chunks(bytes: Uint8Array, size = 777): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function unpack(
  entries: TarInput[] | Uint8Array<ArrayBuffer>,
  opts: { whiteouts?: WhiteoutFormat; privileged?: boolean; compress?: "gzip" | "zstd" } = {},
) {
  const dir = tmp();
  let bytes: Uint8Array<ArrayBuffer> = entries instanceof Uint8Array ? entries : writeTar(entries);
  if (opts.compress === "gzip") bytes = Bun.gzipSync(bytes);
  if (opts.compress === "zstd") bytes = new Uint8Array(Bun.zstdCompressSync(bytes));
  return { dir, done: unpackLayer(chunks(bytes), dir, { whiteouts: opts.whiteouts ?? "files", privileged: opts.privileged ?? isRoot }) };
}

describe("unpackLayer", () => {
  test("files, directories, modes, owners, symlinks and hard links", async () => {
    const big = new Uint8Array(300_000).map((_, i) => i % 253);
    const { dir, done } = unpack([
      { path: "etc/", type: "directory", mode: 0o750 },
      { path: "etc/motd", content: "hello\n", mode: 0o640, uid: 1000, gid: 1001 },
      { path: "bin/tool", content: big, mode: 0o4755 },
      { path: "bin/alias", type: "hardlink", linkname: "bin/tool" },
      { path: "bin/sh", type: "symlink", linkname: "tool" },
      { path: `deep/${"d".repeat(120)}/file`, content: "long path" },
    ]);
    const r = await done;
    expect(r.entries).toBe(6);
    expect(readFileSync(join(dir, "etc/motd"), "utf8")).toBe("hello\n");
    expect(statSync(join(dir, "etc")).mode & 0o7777).toBe(0o750);
    expect(statSync(join(dir, "etc/motd")).mode & 0o7777).toBe(0o640);
    expect(new Uint8Array(readFileSync(join(dir, "bin/tool")))).toEqual(big);
    expect(statSync(join(dir, "bin/alias")).ino).toBe(statSync(join(dir, "bin/tool")).ino);
    expect(readlinkSync(join(dir, "bin/sh"))).toBe("tool");
    expect(readFileSync(join(dir, `deep/${"d".repeat(120)}/file`), "utf8")).toBe("long path");
    if (isRoot) {
      expect(statSync(join(dir, "etc/motd")).uid).toBe(1000);
      expect(statSync(join(dir, "etc/motd")).gid).toBe(1001);
      expect(statSync(join(dir, "bin/tool")).mode & 0o7777).toBe(0o4755);
    }
  });

  for (const compress of ["gzip", "zstd"] as const) {
    test(`${compress}-compressed layers`, async () => {
      const { dir, done } = unpack([{ path: "a/b.txt", content: "compressed" }], { compress });
      await done;
      expect(readFileSync(join(dir, "a/b.txt"), "utf8")).toBe("compressed");
    });
  }

  test("a truncated gzip layer fails", async () => {
    const bytes = Bun.gzipSync(writeTar([{ path: "x", content: "y".repeat(10_000) }]));
    const dir = tmp();
    await expect(unpackLayer(chunks(bytes.subarray(0, bytes.length - 30)), dir, { whiteouts: "files", privileged: false })).rejects.toThrow();
  });

  test("a truncated plain tar fails", async () => {
    const bytes = writeTar([{ path: "x", content: "y".repeat(10_000) }]);
    await expect(unpackLayer(chunks(bytes.subarray(0, 3000)), tmp(), { whiteouts: "files", privileged: false })).rejects.toThrow(
      /unexpected end of archive/,
    );
  });

  test("entries cannot escape: .. is refused, symlinked parents resolve inside the layer", async () => {
    const a = unpack([{ path: "../evil", content: "x" }]);
    await expect(a.done).rejects.toThrow(/climbs out/);

    const outside = tmp();
    const b = unpack([
      { path: "etc", type: "symlink", linkname: outside },
      { path: "etc/passwd", content: "pwned" },
      { path: "up", type: "symlink", linkname: "../../../../.." },
      { path: "up/escaped", content: "pwned" },
    ]);
    await b.done;
    expect(existsSync(join(outside, "passwd"))).toBe(false);
    // The absolute link is followed as if the layer were '/': the file lands under the layer.
    expect(readFileSync(join(b.dir, outside, "passwd"), "utf8")).toBe("pwned");
    expect(readFileSync(join(b.dir, "escaped"), "utf8")).toBe("pwned");
    expect(readlinkSync(join(b.dir, "etc"))).toBe(outside);
  });

  test("hard links must point inside the layer", async () => {
    const secret = join(tmp(), "secret");
    writeFileSync(secret, "s");
    const a = unpack([{ path: "x", type: "hardlink", linkname: "../../etc/shadow" }]);
    await expect(a.done).rejects.toThrow(/climbs out/);
    const b = unpack([{ path: "x", type: "hardlink", linkname: secret }]);
    await expect(b.done).rejects.toThrow(/not in the layer|does not exist/);
  });

  test("a later entry replaces an earlier one of another type", async () => {
    const { dir, done } = unpack([
      { path: "p/q", content: "file" },
      { path: "p", type: "symlink", linkname: "elsewhere" },
      { path: "f", content: "1" },
      { path: "f", content: "2" },
    ]);
    await done;
    expect(lstatSync(join(dir, "p")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "f"), "utf8")).toBe("2");
  });

  test("whiteouts kept as files for the copy backend", async () => {
    const { dir, done } = unpack([
      { path: "etc/.wh.old.conf", content: "" },
      { path: "var/cache/.wh..wh..opq", content: "" },
    ]);
    await done;
    expect(existsSync(join(dir, "etc/.wh.old.conf"))).toBe(true);
    expect(existsSync(join(dir, "var/cache/.wh..wh..opq"))).toBe(true);
  });

  test.skipIf(!isRoot)("whiteouts in overlayfs form (root)", async () => {
    const { dir, done } = unpack(
      [
        { path: "etc/.wh.old.conf", content: "" },
        { path: "var/cache/.wh..wh..opq", content: "" },
        { path: "var/cache/new", content: "n" },
        { path: ".wh..wh.plnk", type: "directory" },
      ],
      { whiteouts: "overlay" },
    );
    await done;
    const wh = statSync(join(dir, "etc/old.conf"));
    expect(wh.isCharacterDevice()).toBe(true);
    expect(wh.rdev).toBe(0);
    expect(existsSync(join(dir, "etc/.wh.old.conf"))).toBe(false);
    expect(String(getXattr(join(dir, "var/cache"), "trusted.overlay.opaque"))).toBe("y");
    expect(existsSync(join(dir, "var/cache/.wh..wh..opq"))).toBe(false);
    expect(existsSync(join(dir, ".wh..wh.plnk"))).toBe(false);
  });

  test("device nodes: made as root, skipped otherwise; FIFOs always", async () => {
    const entries: TarInput[] = [
      { path: "dev/null", type: "char", devmajor: 1, devminor: 3, mode: 0o666 },
      { path: "run/pipe", type: "fifo", mode: 0o600 },
    ];
    const plain = unpack(entries, { privileged: false });
    expect((await plain.done).skippedDevices).toBe(1);
    expect(existsSync(join(plain.dir, "dev/null"))).toBe(false);
    expect(statSync(join(plain.dir, "run/pipe")).isFIFO()).toBe(true);
    if (isRoot) {
      const priv = unpack(entries, { privileged: true });
      await priv.done;
      expect(statSync(join(priv.dir, "dev/null")).rdev).toBe(259);
    }
  });

  test("PAX xattrs are applied (user.* without root)", async () => {
    const { dir, done } = unpack([{ path: "f", content: "x", xattrs: { "user.note": "hi" } }], { privileged: false });
    await done;
    expect(String(getXattr(join(dir, "f"), "user.note"))).toBe("hi");
  });

  test("garbage is not a tar", async () => {
    const { done } = unpack(new Uint8Array(2048).fill(7));
    await expect(done).rejects.toThrow(/checksum/);
  });
});
