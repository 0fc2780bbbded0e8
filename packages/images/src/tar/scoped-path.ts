/**
 * Paths inside a layer directory resolved as if it were `/`: `..` stops at the root and symlinks,
 * absolute or relative, are followed inside it, so no entry of a hostile layer can reach outside
 * (the classic `ln -s /etc x; x/passwd` and `../../` tricks).
 */
import { lstatSync, mkdirSync, readlinkSync } from "node:fs";
import { invalid } from "@mesos/core";

const MAX_SYMLINKS = 40;

/** Splits an archive path into its components; a `..` is refused (archives have no business with it). */
export function entryComponents(path: string): string[] {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw invalid(`entry '${path}' climbs out with '..'`);
  return parts;
}

/**
 * The host path of the directory `components` names under `root`, following symlinks within the
 * root; missing directories are created (mode 0755) when `create` is set. Throws when a component
 * is not a directory or links loop.
 */
export function resolveDirectory(root: string, components: string[], create: boolean, what: string): string {
  const pending = [...components].reverse();
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const path = `${root}/${[...resolved, part].join("/")}`;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) {
      if (!create) throw invalid(`${what}: '${part}' does not exist`);
      mkdirSync(path, { mode: 0o755 });
      resolved.push(part);
    } else if (st.isDirectory()) {
      resolved.push(part);
    } else if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw invalid(`${what}: too many levels of symbolic links`);
      const target = readlinkSync(path);
      if (target.startsWith("/")) resolved.length = 0;
      for (const p of target.split("/").reverse()) pending.push(p);
    } else {
      throw invalid(`${what}: '${[...resolved, part].join("/")}' is not a directory`);
    }
  }
  return resolved.length === 0 ? root : `${root}/${resolved.join("/")}`;
}
