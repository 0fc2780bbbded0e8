/**
 * From what the agent wants (the request) and what the isolators described (the merged
 * ContainerLaunchInfo) to the LaunchInfo the helper applies. The task's own environment wins over
 * isolators' variables; a container with a root filesystem gets its sandbox bind-mounted at
 * `--sandbox_directory` and works there; DEBUG containers inherit their parent's environment and
 * working directory, and get an I/O switchboard (so does any container that asks for a TTY). An
 * isolator may decide the command (docker/runtime: an image's Entrypoint and Cmd for a task without
 * a command value) and the user when the agent names none (an image's User, looked up in its rootfs).
 */
import { join } from "node:path";
import { failedPrecondition, invalid } from "@mesos/core";
import { resolveImageUser } from "@mesos/images";
import type { NamespaceKind } from "@mesos/linux";
import { RLIMITS } from "@mesos/linux";
import { isFieldSet } from "@bufbuild/protobuf";
import {
  type ContainerInfo,
  isolator as api,
  MountPropagation_Mode,
  RLimitInfo_RLimit_Type,
  RLimitInfo_RLimitSchema,
  Volume_Source_Type,
} from "@mesos/proto";
import type { ContainerLaunchInfo } from "@mesos/plugin-api";
import type { LaunchCommand, LaunchInfo, LaunchMount, LaunchRlimit } from "../launch-protocol/launch-info.ts";
import type { RequestedCommand } from "./containerizer.ts";

export interface BuildRequest {
  containerId: string;
  runtimeDir: string;
  launcher: "linux" | "posix";
  sandbox: string;
  /** Where stdout and stderr files go (the sandbox; a DEBUG container's runtime directory). */
  outputDir: string;
  sandboxDirectory: string;
  debug: boolean;
  containerInfo?: ContainerInfo;
  command?: RequestedCommand;
  merged: ContainerLaunchInfo;
  /** The provisioned root filesystem (ContainerConfig.rootfs), if the container has an image. */
  provisionedRootfs?: string;
  /** Nested containers: the parent's init and launch description. */
  parent?: { initPid: number; info: LaunchInfo };
}

const NAMESPACES: Partial<Record<api.Namespace, NamespaceKind>> = {
  [api.Namespace.NS_MNT]: "mnt",
  [api.Namespace.NS_PID]: "pid",
  [api.Namespace.NS_UTS]: "uts",
  [api.Namespace.NS_IPC]: "ipc",
  [api.Namespace.NS_NET]: "net",
  [api.Namespace.NS_CGROUP]: "cgroup",
};

/**
 * HOST_PATH volumes with BIDIRECTIONAL mount propagation, seen at the same path in the container
 * (it shares the host's filesystem): their mounts stay shared with the host. What the agent does
 * for them when `volume/host_path` (which handles any container path, as Mesos) is not in use.
 */
function bidirectionalVolumes(info: ContainerInfo | undefined): string[] {
  return (info?.volumes ?? [])
    .filter(
      (v) => v.source?.type === Volume_Source_Type.HOST_PATH && v.source.hostPath?.mountPropagation?.mode === MountPropagation_Mode.BIDIRECTIONAL,
    )
    .map((v) => {
      const path = v.source!.hostPath!.path;
      if (v.containerPath !== path) throw invalid(`A BIDIRECTIONAL volume must be at its host path '${path}', not '${v.containerPath}'`);
      return path;
    });
}

const MOUNT_TYPES: Partial<Record<api.Mount_Type, LaunchMount["type"]>> = {
  [api.Mount_Type.BIND]: "bind",
  [api.Mount_Type.TMPFS]: "tmpfs",
  [api.Mount_Type.PROC]: "proc",
  [api.Mount_Type.FILE]: "file",
};

export function buildLaunchInfo(r: BuildRequest): LaunchInfo {
  const m = r.merged;
  if (m.rootfs && r.provisionedRootfs && m.rootfs !== r.provisionedRootfs) {
    throw invalid(`An isolator asked for the root filesystem ${m.rootfs}, but the container's image is provisioned at ${r.provisionedRootfs}`);
  }
  const rootfs = m.rootfs || r.provisionedRootfs || undefined;
  if (r.launcher === "posix") {
    const needs = [
      m.mounts.length > 0 && "mounts",
      rootfs && "a root filesystem",
      m.hostname && "a hostname",
      m.cloneNamespaces.length > 0 && "namespaces",
    ].filter(Boolean);
    if (needs.length > 0) throw failedPrecondition(`The isolators asked for ${needs.join(", ")}, which need --launcher=linux`);
  }
  if (r.parent && rootfs) throw invalid("A nested container cannot have a root filesystem of its own: it shares its parent's mount namespace");

  // The sandbox goes into the rootfs first (recursively, with the mounts made on its mount points
  // since), so that volumes mounted under it afterwards are not hidden by it.
  const mounts: LaunchMount[] = rootfs ? [{ type: "bind", source: r.sandbox, target: join(rootfs, r.sandboxDirectory) }] : [];
  for (const x of m.mounts) {
    const type = MOUNT_TYPES[x.type];
    if (!type) throw invalid(`Unknown mount type ${x.type} for the mount on ${x.target}`);
    mounts.push({
      type,
      source: x.source || undefined,
      target: x.target,
      readOnly: x.readOnly || undefined,
      options: x.options || undefined,
    });
  }
  let workingDirectory = m.workingDirectory || r.command?.workingDirectory || r.sandbox;
  const env: Record<string, string> = {};
  for (const v of m.environment?.variables ?? []) env[v.name] = v.value;
  if (rootfs && !m.workingDirectory) workingDirectory = r.sandboxDirectory;
  let command: LaunchCommand | undefined;
  if (r.command) {
    const parentCommand = r.debug ? r.parent?.info.command : undefined;
    const { defaultEnv, ...requested } = r.command;
    if (m.command) Object.assign(requested, commandOf(m.command));
    if (!requested.program) {
      throw invalid("The task's CommandInfo has no 'value' to run (with an image, the 'docker/runtime' isolator runs its Entrypoint and Cmd)");
    }
    if (m.user && !requested.user && rootfs) {
      const { uid, gid } = resolveImageUser(rootfs, m.user);
      requested.user = { name: m.user, uid, gid, groups: [gid] };
    }
    command = {
      ...requested,
      env: { ...defaultEnv, ...parentCommand?.env, ...env, ...r.command.env, ...(rootfs ? { MESOS_SANDBOX: r.sandboxDirectory } : {}) },
      workingDirectory: parentCommand && !r.command.workingDirectory ? parentCommand.workingDirectory : workingDirectory,
    };
  }
  const tty = r.containerInfo?.ttyInfo;
  const size = tty?.windowSize;
  // volume/host_path names the shared mounts holding BIDIRECTIONAL volumes; without it (CSI plugin
  // containers), such a volume at its own host path is made shared itself.
  const sharedMounts = m.sharedMounts.length > 0 ? [...m.sharedMounts] : bidirectionalVolumes(r.containerInfo);
  if (sharedMounts.length > 0 && (r.launcher !== "linux" || r.parent || (rootfs && m.sharedMounts.length === 0))) {
    throw invalid("BIDIRECTIONAL mount propagation needs --launcher=linux and a container without a root filesystem of its own");
  }
  return {
    containerId: r.containerId,
    runtimeDirectory: r.runtimeDir,
    launcher: r.launcher,
    unshare: m.cloneNamespaces.map((n) => NAMESPACES[n]).filter((k): k is NamespaceKind => k !== undefined && k !== "pid"),
    join: r.parent ? { pid: r.parent.initPid, namespaces: ["ipc", "uts", "net", "mnt"] } : undefined,
    mounts,
    sharedMounts: sharedMounts.length > 0 ? sharedMounts : undefined,
    rootfs,
    hostname: m.hostname || r.containerInfo?.hostname || undefined,
    seccompFilter: m.seccompFilter.length > 0 ? Buffer.from(m.seccompFilter).toString("base64") : undefined,
    rlimits: (m.rlimits?.rlimits ?? []).map((l): LaunchRlimit => {
      const name = RLimitInfo_RLimit_Type[l.type]?.replace(/^RLMT_/, "") ?? "";
      const resource = RLIMITS[name];
      if (resource === undefined) throw invalid(`Unknown rlimit type ${l.type}`);
      const value = (field: "soft" | "hard") => (isFieldSet(l, RLimitInfo_RLimitSchema.field[field]) ? Number(l[field]) : ("unlimited" as const));
      return { resource, soft: value("soft"), hard: value("hard") };
    }),
    command,
    stdoutPath: join(r.outputDir, "stdout"),
    stderrPath: join(r.outputDir, "stderr"),
    switchboard:
      tty || r.debug
        ? { tty: tty ? { rows: size?.rows ?? 24, columns: size?.columns ?? 80 } : undefined, bufferUntilAttached: r.debug || undefined }
        : undefined,
  };
}

/** An isolator's CommandInfo as the helper runs it: `/bin/sh -c VALUE`, or VALUE with its whole argv. */
function commandOf(c: NonNullable<ContainerLaunchInfo["command"]>): { program: string; argv: string[] } {
  if (!c.value) throw invalid("An isolator's command has no 'value'");
  if (c.shell) return { program: "/bin/sh", argv: ["sh", "-c", c.value] };
  return { program: c.value, argv: c.arguments.length > 0 ? [...c.arguments] : [c.value] };
}
