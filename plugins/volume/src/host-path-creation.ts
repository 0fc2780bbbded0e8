/**
 * `--host_path_volume_force_creation=/a:/b`: the directories under which `volume/host_path` may
 * create a missing host path (Mesos's PathValidator). The path is normalised first (`..` and `.`
 * collapsed) and allowed if it equals an entry or lies under one; it is then created as a
 * directory, `mkdir -p`. Beyond Mesos, a symlink on the way that leads out of the allowed
 * directory is refused (lexically under `/data`, but `/data/link -> /etc` would create in /etc).
 */
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, normalize, relative } from "node:path";
import { failedPrecondition, invalid } from "@mesos/core";

export interface HostPathCreation {
  readonly allowed: readonly string[];
  /** Creates the missing `hostPath` or throws naming the path and the allow-list. */
  create(hostPath: string): void;
}

export function parseForceCreation(flag: string): HostPathCreation {
  const allowed = flag.split(":").filter((e) => e !== "");
  for (const entry of allowed) {
    if (!isAbsolute(entry)) throw invalid(`--host_path_volume_force_creation: '${entry}' is not an absolute path`);
  }
  const normalized = allowed.map((e) => stripSlash(normalize(e)));
  return {
    allowed,
    create(hostPath) {
      const path = stripSlash(normalize(hostPath));
      const refuse = (why: string) =>
        failedPrecondition(`Path '${hostPath}' in HOST_PATH volume does not exist and is not whitelisted for creation: ${why}`);
      const entry = normalized.find((e) => path === e || path.startsWith(e === "/" ? "/" : `${e}/`));
      if (entry === undefined) throw refuse(`Path '${path}' is not whitelisted (--host_path_volume_force_creation=${allowed.join(":")})`);
      const leak = symlinkEscape(entry, path);
      if (leak) throw refuse(`'${leak.at}' resolves to ${leak.to}, outside the whitelisted directory '${entry}'`);
      try {
        mkdirSync(path, { recursive: true });
      } catch (e) {
        throw failedPrecondition(`Failed to create the host path at '${hostPath}': ${(e as Error).message}`);
      }
    },
  };
}

/** The deepest existing ancestor of `path` at or under `entry`, when it resolves outside `entry`. */
function symlinkEscape(entry: string, path: string): { at: string; to: string } | undefined {
  let at = path;
  while (!exists(at)) at = dirname(at);
  if (at !== entry && !at.startsWith(`${entry}/`) && entry !== "/") return undefined; // the entry itself is missing: all of it is new
  const root = existsSync(entry) ? realpathSync(entry) : entry;
  let to: string;
  try {
    to = realpathSync(at);
  } catch {
    return { at, to: `the missing '${readlinkSync(at)}'` }; // a dangling symlink: nothing is created through it
  }
  const rel = relative(root, to);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel)) ? undefined : { at, to: `'${to}'` };
}

/** lstat: a dangling symlink exists (and must not be created through). */
function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function stripSlash(p: string): string {
  return p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p;
}
