/**
 * Looking up the user a task runs as (switch_user), from /etc/passwd and /etc/group: uid, primary
 * gid and supplementary groups, as getpwnam/getgrouplist would give them.
 */
import { readFileSync } from "node:fs";
import type { LaunchUser } from "../containerizer/launch-info.ts";

function readLines(path: string): string[][] {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split(":"));
  } catch {
    return [];
  }
}

export function lookupUser(name: string, files = { passwd: "/etc/passwd", group: "/etc/group" }): LaunchUser | undefined {
  const entry = readLines(files.passwd).find((f) => f[0] === name);
  if (!entry) return undefined;
  const uid = Number(entry[2]);
  const gid = Number(entry[3]);
  const groups = readLines(files.group)
    .filter((f) => Number(f[2]) !== gid && (f[3] ?? "").split(",").includes(name))
    .map((f) => Number(f[2]));
  return { name, uid, gid, groups: [gid, ...groups] };
}

export function currentUserName(): string {
  const uid = process.getuid?.() ?? 0;
  return readLines("/etc/passwd").find((f) => Number(f[2]) === uid)?.[0] ?? String(uid);
}
