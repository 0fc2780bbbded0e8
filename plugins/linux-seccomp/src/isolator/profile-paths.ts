/**
 * Profile names are paths relative to `--seccomp_config_dir`. A name comes from a framework, so
 * it may not leave the directory: absolute names and names whose `..` segments climb out of it are
 * refused (`sub/../x.json` stays inside and is fine). The check is lexical: a symbolic link the
 * operator put inside the directory is followed, as any file there is the operator's choice.
 */
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { invalid } from "@mesos/core";

export function profilePath(configDir: string, name: string): string {
  if (name.includes("\0")) throw invalid(`Seccomp profile name '${name.replace(/\0/g, "\\0")}' contains a NUL byte`);
  if (name.trim() === "") throw invalid("Missing Seccomp profile name");
  if (isAbsolute(name)) {
    throw invalid(`Seccomp profile name '${name}' is an absolute path; name a file relative to --seccomp_config_dir`);
  }
  const root = normalize(configDir);
  const path = join(root, name);
  const rel = relative(root, path);
  if (rel === "") throw invalid(`Seccomp profile name '${name}' names --seccomp_config_dir itself, not a file in it`);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw invalid(`Seccomp profile name '${name}' escapes --seccomp_config_dir; name a file inside it`);
  }
  return path;
}
