/**
 * Users from /etc/passwd and /etc/group, read directly: the compiled binary cannot rely on
 * os.userInfo() (it answers "unknown" there).
 */
import { readFileSync } from "node:fs";

/** The lines of a colon-separated database (passwd, group) as fields; empty if unreadable. */
export function readColonFile(path: string): string[][] {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split(":"));
  } catch {
    return [];
  }
}

const currentNames = new Map<string, { uid: number; name: string }>();

/**
 * The name of the user this process runs as (its uid as text if it has no passwd entry). Read once
 * per uid: the agent asks for every task it launches.
 */
export function currentUserName(passwd = "/etc/passwd"): string {
  const uid = process.getuid?.() ?? 0;
  const known = currentNames.get(passwd);
  if (known?.uid === uid) return known.name;
  const name = readColonFile(passwd).find((f) => Number(f[2]) === uid)?.[0] ?? String(uid);
  currentNames.set(passwd, { uid, name });
  return name;
}

/** The uid of user `name`, or undefined if /etc/passwd has no such user. */
export function userId(name: string, passwd = "/etc/passwd"): number | undefined {
  const entry = readColonFile(passwd).find((f) => f[0] === name);
  return entry ? Number(entry[2]) : undefined;
}
