import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveImageUser } from "./image-user.ts";

function rootfs(): string {
  const dir = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", "rootfs-"));
  mkdirSync(join(dir, "etc"));
  writeFileSync(join(dir, "etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n");
  writeFileSync(join(dir, "etc/group"), "root:x:0:\napps:x:2345:\nstaff:x:50:\n");
  return dir;
}

describe("resolveImageUser", () => {
  test("names and numbers, with or without a group", () => {
    const r = rootfs();
    expect(resolveImageUser(r, "app")).toEqual({ uid: 1234, gid: 2345 });
    expect(resolveImageUser(r, "app:staff")).toEqual({ uid: 1234, gid: 50 });
    expect(resolveImageUser(r, "1234")).toEqual({ uid: 1234, gid: 2345 });
    expect(resolveImageUser(r, "4000")).toEqual({ uid: 4000, gid: 0 });
    expect(resolveImageUser(r, "4000:77")).toEqual({ uid: 4000, gid: 77 });
  });

  test("unknown names are errors", () => {
    const r = rootfs();
    expect(() => resolveImageUser(r, "ghost")).toThrow("Image user 'ghost' is not in the image's /etc/passwd");
    expect(() => resolveImageUser(r, "app:ghosts")).toThrow("Image group 'ghosts' is not in the image's /etc/group");
  });

  test("a symlinked /etc/passwd is read inside the rootfs, never the host's", () => {
    const linked = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", "rootfs-"));
    mkdirSync(join(linked, "etc"));
    mkdirSync(join(linked, "real"));
    writeFileSync(join(linked, "real/passwd"), "svc:x:777:888::/:/bin/sh\n");
    symlinkSync("/real/passwd", join(linked, "etc/passwd"));
    expect(resolveImageUser(linked, "svc")).toEqual({ uid: 777, gid: 888 });
    // The host has a root user; a rootfs whose /etc/passwd points "up and out" does not.
    const outward = mkdtempSync(join(process.env.MESOS_TEST_TMP ?? "/tmp", "rootfs-"));
    mkdirSync(join(outward, "etc"));
    symlinkSync("../../../../../../etc/group", join(outward, "etc/passwd"));
    expect(() => resolveImageUser(outward, "root")).toThrow(/not in the image's \/etc\/passwd/);
  });
});
