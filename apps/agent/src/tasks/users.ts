/**
 * Looking up the user a task runs as (switch_user), from /etc/passwd and /etc/group: uid, primary
 * gid and supplementary groups, as getpwnam/getgrouplist would give them.
 */
import { readColonFile } from "@mesos/core";
import type { LaunchUser } from "../launch-protocol/launch-info.ts";

export function lookupUser(name: string, files = { passwd: "/etc/passwd", group: "/etc/group" }): LaunchUser | undefined {
  const entry = readColonFile(files.passwd).find((f) => f[0] === name);
  if (!entry) return undefined;
  const uid = Number(entry[2]);
  const gid = Number(entry[3]);
  const groups = readColonFile(files.group)
    .filter((f) => Number(f[2]) !== gid && (f[3] ?? "").split(",").includes(name))
    .map((f) => Number(f[2]));
  return { name, uid, gid, groups: [gid, ...groups] };
}

/** The home directory /etc/passwd gives `uid`, if it has an entry. */
export function homeDirectory(uid: number, passwd = "/etc/passwd"): string | undefined {
  return readColonFile(passwd).find((f) => Number(f[2]) === uid)?.[5] || undefined;
}
