/**
 * FileRoots over an explicit virtual path map, as Mesos's `files->attach(path, virtual)`: the
 * master attaches its log as `/master/log`. A virtual path names the attached file, or something
 * inside an attached directory; `..` cannot climb out and symlinks out are refused.
 */
import { realpathSync } from "node:fs";
import { join, normalize, sep } from "node:path";
import { invalid } from "@mesos/core";
import type { FileRoots } from "./file-service.ts";

export function createAttachedRoots(attached: () => Record<string, string>): FileRoots {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  return {
    attached,
    resolve(requested) {
      const path = normalize(requested).replace(/(.)\/+$/, "$1");
      for (const [virtual, target] of Object.entries(attached())) {
        if (path !== virtual && !path.startsWith(`${virtual}/`)) continue;
        const root = real(target);
        if (!root) return undefined;
        const joined = join(root, path.slice(virtual.length));
        const resolved = real(joined);
        if (!resolved) return undefined;
        if (resolved !== root && !resolved.startsWith(root + sep)) throw invalid(`'${joined}' is inaccessible`);
        return { real: resolved, requested };
      }
      return undefined;
    },
  };
}
