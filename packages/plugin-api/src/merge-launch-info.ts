/**
 * Merging the isolators' launch descriptions into the one the launch helper applies. Nothing is
 * silently overridden: two isolators setting the same single-valued field (rootfs, working
 * directory, hostname, seccomp filter, command, user), the same environment variable to different values, the
 * same mount target or the same rlimit differently is an error naming both isolators.
 */
import { create } from "@bufbuild/protobuf";
import { conflict, invalid } from "@mesos/core";
import { EnvironmentSchema, RLimitInfoSchema, isolator as api } from "@mesos/proto";
import type { ContainerLaunchInfo, LaunchInfoInit } from "./isolator.ts";

export interface LaunchInfoPart {
  isolator: string;
  info: ContainerLaunchInfo;
}

export function toLaunchInfo(init: LaunchInfoInit | ContainerLaunchInfo | undefined): ContainerLaunchInfo {
  if (init && "$typeName" in init && init.$typeName === "mesos.isolator.v1.ContainerLaunchInfo") return init as ContainerLaunchInfo;
  return create(api.ContainerLaunchInfoSchema, (init ?? {}) as LaunchInfoInit);
}

/** Checks one description on its own (absolute paths, named variables...). */
export function validateLaunchInfo(info: ContainerLaunchInfo, isolator: string): void {
  const bad = (what: string) => invalid(`Isolator '${isolator}' returned an invalid launch description: ${what}`);
  for (const v of info.environment?.variables ?? []) {
    if (!v.name || v.name.includes("=") || v.name.includes("\0")) throw bad(`environment variable name '${v.name}'`);
  }
  for (const m of info.mounts) {
    if (!m.target.startsWith("/")) throw bad(`mount target '${m.target}' is not an absolute path`);
    if ((m.type === api.Mount_Type.BIND || m.type === api.Mount_Type.FILE) && !m.source?.startsWith("/")) {
      throw bad(`${m.type === api.Mount_Type.BIND ? "bind mount" : "file"} source '${m.source ?? ""}' is not an absolute path`);
    }
  }
  for (const p of info.sharedMounts) if (!p.startsWith("/")) throw bad(`shared mount '${p}' is not an absolute path`);
  if (info.rootfs && !info.rootfs.startsWith("/")) throw bad(`rootfs '${info.rootfs}' is not an absolute path`);
  if (info.workingDirectory && !info.workingDirectory.startsWith("/")) {
    throw bad(`working directory '${info.workingDirectory}' is not an absolute path`);
  }
  if (info.seccompFilter.length % 8 !== 0) {
    throw bad(`a seccomp filter is whole 8-byte instructions, not ${info.seccompFilter.length} bytes`);
  }
}

export function mergeLaunchInfos(parts: readonly LaunchInfoPart[]): ContainerLaunchInfo {
  const merged = create(api.ContainerLaunchInfoSchema, {});
  const owner = new Map<string, { isolator: string; value: unknown }>();
  const claim = (key: string, what: string, isolator: string, value: unknown, same: (a: unknown, b: unknown) => boolean = Object.is) => {
    const prev = owner.get(key);
    if (prev && !same(prev.value, value)) {
      throw conflict(`Conflicting launch descriptions: isolators '${prev.isolator}' and '${isolator}' both set ${what}`);
    }
    if (!prev) owner.set(key, { isolator, value });
    return !prev;
  };

  for (const { isolator, info } of parts) {
    validateLaunchInfo(info, isolator);
    for (const v of info.environment?.variables ?? []) {
      if (claim(`env:${v.name}`, `environment variable ${v.name}`, isolator, v.value)) {
        merged.environment ??= create(EnvironmentSchema);
        merged.environment.variables.push(v);
      }
    }
    if (info.rootfs && claim("rootfs", "the root filesystem", isolator, info.rootfs)) merged.rootfs = info.rootfs;
    if (info.workingDirectory && claim("cwd", "the working directory", isolator, info.workingDirectory)) {
      merged.workingDirectory = info.workingDirectory;
    }
    if (info.hostname && claim("hostname", "the hostname", isolator, info.hostname)) merged.hostname = info.hostname;
    if (info.command && claim("command", "the command", isolator, info.command, () => false)) merged.command = info.command;
    if (info.user && claim("user", "the user", isolator, info.user)) merged.user = info.user;
    if (info.seccompFilter.length > 0 && claim("seccomp", "a seccomp filter", isolator, info.seccompFilter, sameBytes)) {
      merged.seccompFilter = info.seccompFilter;
    }
    for (const m of info.mounts) {
      claim(`mount:${m.target}`, `a mount on ${m.target}`, isolator, m, () => false);
      merged.mounts.push(m);
    }
    for (const p of info.sharedMounts) if (!merged.sharedMounts.includes(p)) merged.sharedMounts.push(p);
    for (const ns of info.cloneNamespaces) if (!merged.cloneNamespaces.includes(ns)) merged.cloneNamespaces.push(ns);
    for (const r of info.rlimits?.rlimits ?? []) {
      const value = `${r.soft ?? ""}/${r.hard ?? ""}`;
      if (claim(`rlimit:${r.type}`, `the rlimit ${r.type}`, isolator, value)) {
        merged.rlimits ??= create(RLimitInfoSchema);
        merged.rlimits.rlimits.push(r);
      }
    }
  }
  return merged;
}

function sameBytes(a: unknown, b: unknown): boolean {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
