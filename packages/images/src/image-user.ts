/**
 * The image's `User` (`name`, `uid`, `name:group`, `uid:gid`) as numeric ids, looked up in the
 * rootfs's own /etc/passwd and /etc/group (read as if the rootfs were `/`, so a symlinked
 * /etc/passwd cannot point the agent at the host's).
 */
import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { invalid } from "@mesos/core";
import { entryComponents, resolveDirectory } from "./tar/scoped-path.ts";

export interface ImageUser {
  uid: number;
  gid: number;
}

export function resolveImageUser(rootfs: string, spec: string): ImageUser {
  const [userPart, groupPart] = spec.split(":", 2) as [string, string | undefined];
  if (!userPart) throw invalid(`Invalid image user '${spec}'`);
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    gid = lookup(rootfs, "etc/passwd", (f) => Number(f[2]) === uid)?.[3] as number | undefined;
  } else {
    const entry = lookup(rootfs, "etc/passwd", (f) => f[0] === userPart);
    if (!entry) throw invalid(`Image user '${userPart}' is not in the image's /etc/passwd`);
    uid = entry[2] as number;
    gid = entry[3] as number;
  }
  if (groupPart !== undefined) {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = lookup(rootfs, "etc/group", (f) => f[0] === groupPart);
      if (!group) throw invalid(`Image group '${groupPart}' is not in the image's /etc/group`);
      gid = group[2] as number;
    }
  }
  return { uid, gid: gid ?? 0 };
}

/** The first line of a colon-separated database whose fields match; ids are numbers. */
function lookup(rootfs: string, file: string, match: (fields: string[]) => boolean): (string | number)[] | undefined {
  const text = readInRoot(rootfs, file);
  if (text === undefined) return undefined;
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields.length < 3 || !match(fields)) continue;
    return fields.map((f, i) => (i === 2 || i === 3 ? Number(f) : f));
  }
  return undefined;
}

function readInRoot(rootfs: string, file: string): string | undefined {
  let parts = entryComponents(file);
  for (let hops = 0; hops < 40; hops++) {
    let dir: string;
    try {
      dir = resolveDirectory(rootfs, parts.slice(0, -1), false, file);
    } catch {
      return undefined;
    }
    const path = `${dir}/${parts[parts.length - 1]}`;
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) return undefined;
    if (!st.isSymbolicLink()) return st.isFile() ? readFileSync(path, "utf8") : undefined;
    const target = readlinkSync(path);
    const base = target.startsWith("/") || dir === rootfs ? [] : dir.slice(rootfs.length + 1).split("/");
    parts = normalize([...base, ...target.split("/")]);
  }
  return undefined;
}

function normalize(parts: string[]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return out;
}
